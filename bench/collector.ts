/**
 * The collector's request budget: requests and sequential waves per diagnosis for the common failure states, and per
 * discovery over a generated cluster of 1,000 Azure ML services in 20 namespaces, 5 % of them unhealthy. Everything
 * runs over real HTTPS against the scenario cluster with the real client-node. Request counts come from the server;
 * sequential rounds (waves, and pages within one) from the collector's own trace. Wall times are medians, once as fast as loopback allows and once with 25 ms
 * injected on every request (an API server a region away), where waves, not requests, set the time.
 * Writes the section `## Collector` of docs/BENCHMARKS.md. Run: `npm run build && node dist/bench/collector.js`.
 */
import { cpus } from 'node:os';
import {
  collectSnapshot,
  discover,
  loadKubeconfigTarget,
  type RequestTrace,
} from '../shared/cluster/index.js';
import { diagnoseSnapshot } from '../shared/diagnosis/engine.js';
import { startScenarioCluster, type ScenarioCluster } from '../sim/standins/kubernetes/index.js';
import {
  SERVICE_STATES,
  syntheticCluster,
  syntheticService,
  syntheticSnapshot,
  type ServiceState,
} from '../sim/standins/kubernetes/synthetic.js';
import { median, writeBenchSection } from './support.js';

const RUNS = 7;
const LATENCY_MS = 25;

interface Measured {
  requests: number;
  waves: number;
  ms: number;
  msLatency: number;
  verdict: string;
}

async function timed(
  cluster: ScenarioCluster,
  run: (onRequest: (t: RequestTrace) => void) => Promise<string>,
) {
  const requests: number[] = [];
  const waves: number[] = [];
  const ms: number[] = [];
  let verdict = '';
  for (let i = 0; i < RUNS; i++) {
    cluster.requests.reset();
    const traces: RequestTrace[] = [];
    const started = performance.now();
    verdict = await run((t) => traces.push(t));
    ms.push(performance.now() - started);
    requests.push(cluster.requests.total);
    // Sequential rounds: waves, and within a wave the pages of a paginated list follow each other.
    const rounds = new Map<number, number>();
    for (const t of traces) rounds.set(t.wave, Math.max(rounds.get(t.wave) ?? 0, t.page ?? 1));
    waves.push([...rounds.values()].reduce((a, b) => a + b, 0));
  }
  return { requests: median(requests), waves: median(waves), ms: median(ms), verdict };
}

async function measure(
  cluster: ScenarioCluster,
  run: (onRequest: (t: RequestTrace) => void) => Promise<string>,
): Promise<Measured> {
  cluster.clearFaults();
  const fast = await timed(cluster, run);
  cluster.setFaults([{ path: /./, latencyMs: LATENCY_MS }]);
  const slow = await timed(cluster, run);
  cluster.clearFaults();
  return { ...fast, msLatency: slow.ms };
}

const LABELS: Record<ServiceState, string> = {
  healthy: 'healthy, serving (Degraded checks)',
  crashLoop: 'init crash (ModuleNotFoundError)',
  oomKilled: 'OOMKilled crash loop',
  imagePull: 'image pull failure',
  unschedulable: 'unschedulable (Insufficient cpu)',
  mountFailure: 'model volume mount failure',
  quotaExceeded: 'ResourceQuota exceeded',
  frontendDown: 'front end (azureml-fe) down',
  storageInitFailure: 'v2 storage initializer failure',
};

async function perDiagnosis(): Promise<string[]> {
  const rows: string[] = [];
  for (const state of SERVICE_STATES) {
    const flavor = state === 'storageInitFailure' ? 'v2' : 'v1';
    const cluster = await startScenarioCluster({
      bundles: [syntheticSnapshot([syntheticService('azureml-ws', 'svc', state, flavor)])],
    });
    try {
      const target = loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath });
      const m = await measure(cluster, async (onRequest) => {
        const s = await collectSnapshot(target, { namespace: 'azureml-ws', service: 'svc', onRequest });
        const d = diagnoseSnapshot(s, { service: 'svc' })[0];
        const first = d?.findings[0];
        return `${d?.status ?? '?'}${first ? ` ${first.code}${first.detail ? `/${first.detail}` : ''}` : ''}`;
      });
      rows.push(
        `| ${LABELS[state]} | ${m.requests} | ${m.waves} | ${m.ms.toFixed(0)} ms | ${m.msLatency.toFixed(0)} ms | ${m.verdict} |`,
      );
      process.stdout.write(`${state}: ${m.requests} requests, ${m.waves} waves\n`);
    } finally {
      await cluster.close();
    }
  }
  return rows;
}

async function perDiscovery(): Promise<{ row: string; found: number; unhealthy: number }> {
  const started = performance.now();
  const cluster = await startScenarioCluster({ bundles: [syntheticCluster(1000, 20, 0.05)] });
  const setupMs = performance.now() - started;
  process.stdout.write(`generated and loaded 1,000 services in ${setupMs.toFixed(0)} ms\n`);
  try {
    const target = loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath });
    let found = 0;
    let unhealthy = 0;
    const m = await measure(cluster, async (onRequest) => {
      const all = await discover(target, { onRequest });
      found = all.length;
      unhealthy = all.filter((d) => !d.healthy).length;
      return `${found} found, ${unhealthy} unhealthy`;
    });
    const row = `| discovery, 1,000 services / 20 namespaces / 5 % unhealthy (pages of 500) | ${m.requests} | ${m.waves} (2 lists side by side, in pages) | ${m.ms.toFixed(0)} ms | ${m.msLatency.toFixed(0)} ms | ${m.verdict} |`;
    return { row, found, unhealthy };
  } finally {
    await cluster.close();
  }
}

async function main(): Promise<void> {
  const rows = await perDiagnosis();
  const discovery = await perDiscovery();
  const sweepRequests = discovery.unhealthy * 6;
  const markdown = `## Collector

Measured ${new Date().toISOString().slice(0, 10)} on this machine (${cpus().length} cores, Node ${process.version}) by
\`bench/collector.ts\`: the real \`@kubernetes/client-node\` over HTTPS against the scenario cluster, one
single-replica service per state (generated by \`sim/standins/kubernetes/synthetic.ts\`). Requests are counted by
the server, waves (sequential rounds of concurrent requests) by the collector's trace; medians of ${RUNS} runs. The
last time column injects ${LATENCY_MS} ms on every request, as for an API server a region away: there the waves, not
the number of requests, set the time. The verdict is the engine's diagnosis of the live snapshot.

| case | requests | waves | time (loopback) | time (+${LATENCY_MS} ms per request) | diagnosis |
|---|---|---|---|---|---|
${rows.join('\n')}
${discovery.row}

- Budget: the service's own failures stay within 6 requests in 3 waves. The front end costs a fourth wave: when it
  is down (its pods, events and the nodes in wave 3, its crashed log in wave 4), and when the service serves fine
  and the collector looks for Degraded signs (the scoring logs, then one router log naming overloaded services).
- Replicas failing the same way are read up to three pods (newest first), so a three-replica crash loop costs two
  more log reads than the single-replica row above, in the same wave.
- Loopback times are mostly TLS handshakes: client-node 2.x builds a new undici dispatcher, hence a new connection,
  for every request.
- Discovery needs two cluster-wide list calls whatever the number of services (v1 \`isazuremlapp=true\`, v2
  \`ml.azure.com/deployment-name\`), each paginated with \`limit=500\`/\`continue\`; the 1,000 generated
  deployments (four in five v1) come back in ${discovery.found === 1000 ? 'full' : `${discovery.found}, not 1,000 (!)`} in the requests above. A
  sweep of this cluster then collects the ${discovery.unhealthy} unhealthy ones: about ${sweepRequests} requests at 6 each.
`;
  await writeBenchSection('## Collector', markdown);
  process.stdout.write(markdown);
}

await main();
