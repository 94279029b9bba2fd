/**
 * Evidence text as an on-call engineer reads and copies it: kubelet pod references without the `_namespace(uid)`
 * suffix, in every fixture's diagnosis.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { evidence } from '../../shared/diagnosis/context.js';
import { loadBundle } from '../../shared/diagnosis/bundle.js';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const fixtureDirs = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, 'expected.json')))
  .map((d) => d.name)
  .sort();
const POD_UID_SUFFIX = /_[a-z0-9-]+\([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\)/;

describe('kubelet pod references in evidence', () => {
  test('the namespace and UID suffix is dropped, the pod name kept', () => {
    const e = evidence(
      'pod/x/status',
      'back-off 5m0s restarting failed container=bert-svc pod=bert-svc-4fphj8hhhn-5s87v_azureml-contoso-ml(5a202b4b-b619-4dfe-a856-bd0b3b628dd9)',
    );
    expect(e.text).toBe('back-off 5m0s restarting failed container=bert-svc pod=bert-svc-4fphj8hhhn-5s87v');
  });

  test('an underscore name without a UID is left alone', () => {
    expect(evidence('s', 'model_dir/bert_base(1).bin').text).toBe('model_dir/bert_base(1).bin');
  });

  test.each(fixtureDirs)('%s', async (name) => {
    const { service } = JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as {
      service: string;
    };
    const diagnoses = diagnoseSnapshot(await loadBundle(join(FIXTURES, name)), { service });
    expect(JSON.stringify(diagnoses)).not.toMatch(POD_UID_SUFFIX);
  });
});
