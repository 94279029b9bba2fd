/**
 * Diagnosis of a large namespace: 5,000 pods of 100 Azure ML deployments and 30,000 events, all in one snapshot.
 * Measures one service's diagnosis and every service's, with the peak RSS of this process. Before events were indexed
 * by involved object this took 203 s and 2.1 GB (every pod scanned every event). Writes the section
 * `## Large namespace (5,000 pods, 30,000 events)` of docs/BENCHMARKS.md.
 * Run: `npm run build && node --expose-gc dist/bench/namespace.js` (or `npm run bench namespace`).
 */
import { cpus, loadavg } from 'node:os';
import type { CoreV1Event, V1Deployment, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { diagnoseSnapshot } from '../shared/diagnosis/engine.js';
import { emptySnapshot, type Snapshot } from '../shared/snapshot/types.js';
import { median, writeBenchSection } from './support.js';

const NS = 'azureml-bigws';
const SERVICES = 100;
const PODS_PER_SERVICE = 50;
const EVENTS = 30_000;
const CAPTURED = new Date('2024-05-14T10:30:00Z');

function bigSnapshot(): Snapshot {
  const s = emptySnapshot({ namespace: NS, workspace: 'bigws', capturedAt: CAPTURED.toISOString() });
  const created = new Date(CAPTURED.getTime() - 3_600_000);
  for (let i = 0; i < SERVICES; i++) {
    const name = `svc-${i}`;
    const labels = { isazuremlapp: 'true', app: name };
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: NS, uid: `d-${i}`, labels, creationTimestamp: created },
      spec: {
        replicas: PODS_PER_SERVICE,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels } },
      },
      status: { replicas: PODS_PER_SERVICE, availableReplicas: 0, unavailableReplicas: PODS_PER_SERVICE },
    } as unknown as V1Deployment;
    const rsName = `${name}-7d9f`;
    const rs = {
      metadata: {
        name: rsName,
        namespace: NS,
        uid: `rs-${i}`,
        labels,
        creationTimestamp: created,
        ownerReferences: [{ kind: 'Deployment', name, uid: `d-${i}`, apiVersion: 'apps/v1' }],
      },
      spec: { replicas: PODS_PER_SERVICE, selector: { matchLabels: { app: name } } },
    } as unknown as V1ReplicaSet;
    s.deployments.push(d);
    s.replicaSets.push(rs);
    for (let j = 0; j < PODS_PER_SERVICE; j++) {
      s.pods.push({
        metadata: {
          name: `${rsName}-${j}`,
          namespace: NS,
          uid: `p-${i}-${j}`,
          labels,
          creationTimestamp: created,
          ownerReferences: [{ kind: 'ReplicaSet', name: rsName, uid: `rs-${i}`, apiVersion: 'apps/v1' }],
        },
        spec: { containers: [{ name: name, image: 'acr.azurecr.io/x:1' }], nodeName: 'node-1' },
        status: {
          phase: 'Pending',
          conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: created }],
          containerStatuses: [
            {
              name,
              ready: false,
              restartCount: 0,
              image: 'acr.azurecr.io/x:1',
              imageID: '',
              state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } },
            },
          ],
        },
      } as unknown as V1Pod);
    }
  }
  for (let k = 0; k < EVENTS; k++) {
    const i = k % SERVICES;
    const j = Math.floor(k / SERVICES) % PODS_PER_SERVICE;
    const t = new Date(CAPTURED.getTime() - (EVENTS - k) * 100);
    s.events.push({
      metadata: { name: `e-${k}`, namespace: NS },
      involvedObject: { kind: 'Pod', name: `svc-${i}-7d9f-${j}`, namespace: NS, uid: `p-${i}-${j}` },
      reason: k % 3 === 0 ? 'Failed' : 'BackOff',
      type: 'Warning',
      message:
        k % 3 === 0
          ? 'Failed to pull image "acr.azurecr.io/x:1": rpc error: code = NotFound desc = manifest unknown'
          : 'Back-off pulling image "acr.azurecr.io/x:1"',
      count: 3,
      lastTimestamp: t,
      firstTimestamp: t,
    } as unknown as CoreV1Event);
  }
  return s;
}

function time(fn: () => unknown): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const snapshot = bigSnapshot();
  let peak = process.memoryUsage().rss;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const one: number[] = [];
  const all: number[] = [];
  let findings = 0;
  for (let r = 0; r < 3; r++) {
    one.push(
      time(() => (findings = diagnoseSnapshot(snapshot, { service: 'svc-42' })[0]?.findings.length ?? 0)),
    );
    all.push(time(() => diagnoseSnapshot(snapshot, {})));
  }
  clearInterval(sample);
  peak = Math.max(peak, process.memoryUsage().rss);
  const rows = [
    `| one service (svc-42) | ${(median(one) / 1000).toFixed(2)} s | ≤ 5 s |`,
    `| all ${SERVICES} services | ${(median(all) / 1000).toFixed(2)} s | ≤ 30 s |`,
    `| peak RSS of the process | ${Math.round(peak / 2 ** 20)} MB | ≤ 500 MB |`,
  ];
  console.log(rows.join('\n'), `\n(findings for svc-42: ${findings})`);
  await writeBenchSection(
    '## Large namespace (5,000 pods, 30,000 events)',
    [
      '## Large namespace (5,000 pods, 30,000 events)',
      '',
      `${SERVICES} v1 deployments × ${PODS_PER_SERVICE} pods in one namespace, ${EVENTS.toLocaleString('en')} pod events; medians of 3 runs.`,
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()[0]?.toFixed(2)}. Run: \`npm run build && node --expose-gc dist/bench/namespace.js\`.`,
      '',
      '| what | median | budget |',
      '| --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
}

await main();
