import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundleError, MAX_LOG_BYTES, loadBundle, writeBundle } from '../../shared/snapshot/bundle.js';
import { logKey } from '../../shared/snapshot/types.js';
import { amlService, event, terminated, waiting } from '../support/fixtureKit/kit.js';
import { kubectlYaml } from '../support/fixtureKit/write.js';

async function bundle(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'amlmon-bundle-'));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), content);
  }
  return dir;
}

const svc = amlService({ name: 'churn-svc', createdAt: '2024-05-01T10:00:00Z' });
const pod = svc.pods[0]!;
const objects = [svc.deployment, svc.replicaSet, pod, svc.pvc!, svc.pv!, svc.configMap!];

async function loadError(dir: string): Promise<BundleError> {
  const err = await loadBundle(dir).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BundleError);
  return err as BundleError;
}

describe('loadBundle', () => {
  it('reads a kubectl List into typed objects with Date timestamps', async () => {
    const dir = await bundle({
      'snapshot.yaml': kubectlYaml(objects),
      'meta.json': JSON.stringify({ service: 'churn-svc', capturedAt: '2024-05-01T10:30:00Z' }),
    });
    const s = await loadBundle(dir);
    expect(s.pods).toHaveLength(1);
    expect(s.deployments[0]?.metadata?.name).toBe('churn-svc');
    expect(s.pods[0]?.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(s.persistentVolumes[0]?.spec?.csi?.driver).toBe('blob.csi.azure.com');
    expect(s.meta.service).toBe('churn-svc');
  });

  it('accepts several YAML documents, each an object or a List, and ignores unknown kinds', async () => {
    const yaml = [
      kubectlYaml([svc.deployment]),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: churn-svc\n',
      'apiVersion: v1\nkind: Pod\n' +
        kubectlYaml([pod]).split('\n').slice(0, 0).join('') +
        'metadata:\n  name: lone-pod\n  namespace: x\n',
    ].join('---\n');
    const s = await loadBundle(await bundle({ 'snapshot.yaml': yaml }));
    expect(s.deployments).toHaveLength(1);
    expect(s.pods.map((p) => p.metadata?.name)).toEqual(['lone-pod']);
  });

  it('normalises events.k8s.io/v1 events to the core shape', async () => {
    const ev = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e1', namespace: 'azureml-contoso-ml' },
      eventTime: '2024-05-01T10:05:00.000000Z',
      regarding: {
        kind: 'Pod',
        name: pod.metadata.name,
        namespace: 'azureml-contoso-ml',
        uid: pod.metadata.uid,
      },
      reason: 'FailedScheduling',
      note: '0/3 nodes are available: 3 Insufficient cpu.',
      type: 'Warning',
      reportingController: 'default-scheduler',
      series: { count: 7, lastObservedTime: '2024-05-01T10:20:00.000000Z' },
    };
    const s = await loadBundle(
      await bundle({
        'snapshot.yaml': kubectlYaml([
          ev,
          event({
            object: pod,
            reason: 'Pulled',
            message: 'ok',
            type: 'Normal',
            first: '2024-05-01T10:01:00Z',
          }),
        ]),
      }),
    );
    const scheduled = s.events.find((e) => e.reason === 'FailedScheduling')!;
    expect(scheduled.involvedObject.name).toBe(pod.metadata.name);
    expect(scheduled.message).toBe('0/3 nodes are available: 3 Insufficient cpu.');
    expect(scheduled.count).toBe(7);
    expect(scheduled.lastTimestamp?.toISOString()).toBe('2024-05-01T10:20:00.000Z');
    expect(scheduled.source?.component).toBe('default-scheduler');
  });

  it('reads current and previous logs by pod/container', async () => {
    const name = pod.metadata.name as string;
    const s = await loadBundle(
      await bundle({
        'snapshot.yaml': kubectlYaml(objects),
        [`logs/${name}/churn-svc.log`]: 'now\n',
        [`logs/${name}/churn-svc.previous.log`]: 'Traceback (most recent call last):\n',
      }),
    );
    expect(s.logs.get(logKey(name, 'churn-svc'))).toEqual({
      current: 'now\n',
      previous: 'Traceback (most recent call last):\n',
    });
  });

  it('files the log of a container waiting to restart as its previous (crashed) instance', async () => {
    const crashing = structuredClone(pod);
    const name = crashing.metadata.name as string;
    crashing.status.containerStatuses[0].state = waiting(
      'CrashLoopBackOff',
      'back-off 40s restarting failed container',
    );
    crashing.status.containerStatuses[0].lastState = terminated(
      'Error',
      3,
      '2024-05-01T10:20:00Z',
      '2024-05-01T10:20:09Z',
    );
    const s = await loadBundle(
      await bundle({
        'snapshot.yaml': kubectlYaml([svc.deployment, svc.replicaSet, crashing]),
        [`logs/${name}/churn-svc.log`]: 'Traceback (most recent call last):\n',
      }),
    );
    // `kubectl logs` and `kubectl logs --previous` both show the last terminated instance of a waiting container.
    expect(s.logs.get(logKey(name, 'churn-svc'))).toEqual({
      previous: 'Traceback (most recent call last):\n',
    });
    const running = await loadBundle(
      await bundle({ 'snapshot.yaml': kubectlYaml(objects), [`logs/${name}/churn-svc.log`]: 'serving\n' }),
    );
    expect(running.logs.get(logKey(name, 'churn-svc'))).toEqual({ current: 'serving\n' });
  });

  it('reads an oversized log from its tail and names the gap', async () => {
    const name = pod.metadata.name as string;
    const big = 'x'.repeat(99) + '\n';
    const content = big.repeat(Math.ceil((MAX_LOG_BYTES + 200_000) / 100)) + 'FINAL LINE\n';
    const s = await loadBundle(
      await bundle({ 'snapshot.yaml': kubectlYaml(objects), [`logs/${name}/churn-svc.log`]: content }),
    );
    const log = s.logs.get(logKey(name, 'churn-svc'))!.current!;
    expect(log.length).toBeLessThanOrEqual(MAX_LOG_BYTES);
    expect(log.endsWith('FINAL LINE\n')).toBe(true);
    expect(log.startsWith('x')).toBe(true);
    expect(s.meta.gaps?.[0]).toMatch(/churn-svc\.log: 4\.2 MiB, only the last 4\.0 MiB read/);
  });

  it('drops binary bytes from a log and names the gap instead of failing', async () => {
    const name = pod.metadata.name as string;
    const s = await loadBundle(
      await bundle({
        'snapshot.yaml': kubectlYaml(objects),
        [`logs/${name}/churn-svc.log`]: Buffer.concat([
          Buffer.from('start\n'),
          Buffer.from([0, 1, 2, 0xff, 0]),
          Buffer.from('\nMemoryError\n'),
        ]),
      }),
    );
    expect(s.logs.get(logKey(name, 'churn-svc'))!.current).toBe('start\n\nMemoryError\n');
    expect(s.meta.gaps).toContain(
      `logs/${name}/churn-svc.log: contains binary data; non-text bytes were removed`,
    );
  });

  it('normalises a v2 service record', async () => {
    const s = await loadBundle(
      await bundle({
        'snapshot.yaml': kubectlYaml(objects),
        'service.json': JSON.stringify({
          name: 'blue',
          provisioning_state: 'Failed',
          error: 'ResourceNotReady: User container has crashed',
        }),
      }),
    );
    expect(s.service).toEqual({
      flavor: 'v2',
      name: 'blue',
      state: 'Failed',
      error: { message: 'ResourceNotReady: User container has crashed' },
    });
  });

  it("reads the endpoint of azure-ai-ml's flattened deployment (endpoint_name)", async () => {
    const s = await loadBundle(
      await bundle({
        'snapshot.yaml': kubectlYaml(objects),
        'service.json': JSON.stringify({
          name: 'blue',
          endpoint_name: 'nlp-ep',
          provisioning_state: 'Failed',
        }),
      }),
    );
    expect(s.service).toEqual({ flavor: 'v2', name: 'blue', endpointName: 'nlp-ep', state: 'Failed' });
  });

  describe('bad input is one clear error naming the file', () => {
    it('missing directory', async () => {
      const err = await loadError('/nonexistent/amlmon-bundle');
      expect(err.message).toBe('/nonexistent/amlmon-bundle: no such directory');
    });
    it('a file instead of a directory', async () => {
      const dir = await bundle({ 'x.txt': 'hi' });
      expect((await loadError(join(dir, 'x.txt'))).reason).toMatch(/is not a directory/);
    });
    it('missing snapshot.yaml', async () => {
      const err = await loadError(await bundle({ 'meta.json': '{}' }));
      expect(err.file).toMatch(/snapshot\.yaml$/);
      expect(err.reason).toMatch(/missing/);
    });
    it('YAML that does not parse, with the line', async () => {
      const err = await loadError(
        await bundle({
          'snapshot.yaml': 'apiVersion: v1\nitems:\n  - kind: Pod\n    metadata: {name: [unclosed\n',
        }),
      );
      expect(err.reason).toMatch(/^is not valid YAML \(line \d+, column \d+: /);
    });
    it('a YAML file that is not a snapshot', async () => {
      const err = await loadError(await bundle({ 'snapshot.yaml': 'name: my-config\nvalues: [1, 2]\n' }));
      expect(err.reason).toMatch(/not a Kubernetes object/);
    });
    it('broken meta.json', async () => {
      const err = await loadError(
        await bundle({ 'snapshot.yaml': kubectlYaml(objects), 'meta.json': '{"capturedAt": ' }),
      );
      expect(err.file).toBe('meta.json');
      expect(err.reason).toMatch(/not valid JSON/);
    });
    it('a capturedAt that is not a time', async () => {
      const err = await loadError(
        await bundle({ 'snapshot.yaml': kubectlYaml(objects), 'meta.json': '{"capturedAt": "yesterday"}' }),
      );
      expect(err.reason).toBe('capturedAt "yesterday" is not an RFC 3339 time');
    });
  });
});

describe('writeBundle', () => {
  it('round-trips through loadBundle and redacts secrets in logs', async () => {
    const name = pod.metadata.name as string;
    const src = await bundle({
      'snapshot.yaml': kubectlYaml([
        ...objects,
        event({
          object: pod,
          reason: 'BackOff',
          message: 'Back-off restarting failed container',
          first: '2024-05-01T10:10:00Z',
          count: 4,
        }),
      ]),
      [`logs/${name}/churn-svc.previous.log`]:
        'downloading https://acct.blob.core.windows.net/azureml/m.pkl?sv=2020&sig=AbC%2Bsecret\n',
      'service.json': JSON.stringify({ name: 'churn-svc', state: 'Transitioning' }),
      'meta.json': JSON.stringify({ service: 'churn-svc', capturedAt: '2024-05-01T10:30:00Z' }),
    });
    const first = await loadBundle(src);
    const out = await mkdtemp(join(tmpdir(), 'amlmon-out-'));
    await writeBundle(out, first);
    const second = await loadBundle(out);
    expect(second.pods).toEqual(first.pods);
    expect(second.events).toEqual(first.events);
    expect(second.deployments).toEqual(first.deployments);
    expect(second.service).toEqual(first.service);
    expect(second.meta).toEqual(first.meta);
    const prev = await readFile(join(out, 'logs', name, 'churn-svc.previous.log'), 'utf8');
    expect(prev).toContain('sig=[REDACTED]');
    expect(prev).not.toContain('AbC%2Bsecret');
    const yaml = await readFile(join(out, 'snapshot.yaml'), 'utf8');
    expect(yaml).toMatch(/^apiVersion: v1\nitems:\n- apiVersion: v1\n {2}kind: Pod\n/);
    expect(yaml).toContain('creationTimestamp: 2024-05-01T10:00:00Z');
  });
});
