/** Line normalisation for shapes seen in the independent evaluation bundles. */
import { describe, expect, it } from 'vitest';
import { normaliseLine } from '../../../shared/diagnosis/buildlog/normalise.js';

describe('normaliseLine', () => {
  it('strips both an added timestamp prefix and the ACR runner prefix behind it, keeping the first time', () => {
    const n = normaliseLine(
      '2026-11-21T15:26:33: 2026/11/21 15:26:34 Logging in to registry: docaiacr01.azurecr.io',
    );
    expect(n.text).toBe('Logging in to registry: docaiacr01.azurecr.io');
    expect(n.at).toBe(Date.parse('2026-11-21T15:26:33Z'));
  });

  it('still reads a bare ACR runner prefix', () => {
    const n = normaliseLine('2020/05/24 04:28:34 Executing step ID: acb_step_0. Timeout(sec): 5400');
    expect(n.text).toBe('Executing step ID: acb_step_0. Timeout(sec): 5400');
    expect(n.at).toBe(Date.parse('2020-05-24T04:28:34Z'));
  });

  it("drops the elapsed seconds of BuildKit's error-summary lines, with or without a timestamp prefix", () => {
    expect(normaliseLine('69.03 ERROR: No matching distribution found for foo==1').text).toBe(
      'ERROR: No matching distribution found for foo==1',
    );
    expect(normaliseLine('2026-11-21T15:28:03: 0.812 CondaEnvException: Pip failed').text).toBe(
      'CondaEnvException: Pip failed',
    );
    expect(normaliseLine('#7 69.03 ERROR: No matching distribution found for foo==1').text).toBe(
      'ERROR: No matching distribution found for foo==1',
    );
  });

  it('leaves version-like line starts alone', () => {
    expect(normaliseLine('3.8.10 (default, Jun  4 2021) [GCC 7.5.0]').text).toBe(
      '3.8.10 (default, Jun  4 2021) [GCC 7.5.0]',
    );
    expect(normaliseLine('1.5 GB of disk space will be used').text).toBe('1.5 GB of disk space will be used');
  });
});
