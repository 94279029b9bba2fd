/**
 * Azure ML calls per sweep: the monitor's Azure ML source (reader + per-process deployment cache, as `buildRuntime`
 * wires it) against the HTTPS stand-in with W workspaces, each holding S v1 services (some failed) and E Kubernetes
 * endpoints of D deployments, F of them failed. Counts every call of: the first sweep of a process (cold), a steady
 * sweep (nothing changed), the sweep after one ARM write event (a deployment re-written and refused), a sweep while
 * a deployment is updating, and the sweep after the refresh period; times the steady sweep. Budget (issue): at most 2 per workspace plus 1 per failing deployment.
 */
import type { DeploymentHints, DeploymentWrite } from '../shared/azureml/deploymentCache.js';
import { AzureMlReader } from '../shared/azureml/reader.js';
import { azureMlSourceFromReader } from '../shared/monitor/azureMlSource.js';
import {
  standInReaderOptions,
  startAzureMlStandIn,
  type StandInWorkspace,
} from '../sim/standins/azureml/index.js';
import { median, writeBenchSection } from './support.js';

interface Shape {
  workspaces: number;
  services: number;
  /** v1 services whose last update failed (their ended operation is read once, then kept by id). */
  servicesFailed: number;
  endpoints: number;
  deploymentsPerEndpoint: number;
  failed: number;
}

const SHAPES: Shape[] = [
  { workspaces: 1, services: 20, servicesFailed: 1, endpoints: 1, deploymentsPerEndpoint: 2, failed: 1 },
  { workspaces: 3, services: 50, servicesFailed: 0, endpoints: 1, deploymentsPerEndpoint: 3, failed: 2 },
  { workspaces: 3, services: 50, servicesFailed: 2, endpoints: 4, deploymentsPerEndpoint: 2, failed: 2 },
  { workspaces: 2, services: 10, servicesFailed: 1, endpoints: 20, deploymentsPerEndpoint: 2, failed: 3 },
];
const MIN = 60_000;
/** The default `AZUREML_REFRESH_AFTER` and `SWEEP_SCHEDULE` (every 2 minutes). */
const REFRESH_MS = 30 * MIN;
const SWEEP_MS = 2 * MIN;
const SWEEPS_PER_REFRESH = REFRESH_MS / SWEEP_MS;

function failedOp(code: string, start: Date): Record<string, unknown> {
  return {
    status: 'Failed',
    startTime: start.toISOString(),
    endTime: new Date(start.getTime() + 5 * MIN).toISOString(),
    error: { code, message: 'Kubernetes unschedulable.' },
  };
}

function workspace(i: number, s: Shape, at: Date): StandInWorkspace {
  const deployments: StandInWorkspace['deployments'] = [];
  let failed = 0;
  for (let e = 0; e < s.endpoints; e++) {
    for (let d = 0; d < s.deploymentsPerEndpoint; d++) {
      const fail = failed < s.failed;
      if (fail) failed++;
      deployments.push({
        endpoint: `ep${e}`,
        deployment: {
          name: `d${d}`,
          properties: {
            provisioningState: fail ? 'Failed' : 'Succeeded',
            instanceType: 'defaultinstancetype',
          },
          systemData: { lastModifiedAt: new Date(at.getTime() - 60 * MIN).toISOString() },
          ...(fail ? { operation: failedOp('OutOfQuota', new Date(at.getTime() - 65 * MIN)) } : {}),
        },
      });
    }
  }
  return {
    name: `ws${i}`,
    subscriptionId: '00000000-0000-4000-8000-000000000000',
    resourceGroup: 'rg',
    cluster: 'aks',
    services: Array.from({ length: s.services }, (_, k) =>
      k < s.servicesFailed
        ? {
            name: `svc${k}`,
            state: 'Failed',
            computeType: 'AKS',
            error: {
              code: 'DeploymentFailed',
              message: "Couldn't Schedule because the kubernetes cluster didn't have available resources.",
            },
            operation: failedOp('DeploymentFailed', new Date(at.getTime() - 90 * MIN)),
          }
        : { name: `svc${k}`, state: 'Healthy', computeType: 'AKS' },
    ),
    deployments,
  };
}

/** `3 v1 services, 2 v2 endpoints lists, …`: what the calls were. */
function breakdown(calls: string[]): string {
  const n = new Map<string, number>();
  for (const c of calls) n.set(c, (n.get(c) ?? 0) + 1);
  return [...n.entries()].map(([k, v]) => `${v} ${k}`).join(', ');
}

const standIn = await startAzureMlStandIn();
const rows: string[] = [];
try {
  for (const shape of SHAPES) {
    let now = new Date('2026-12-03T10:00:00Z');
    const workspaces = Array.from({ length: shape.workspaces }, (_, i) => workspace(i, shape, now));
    standIn.setWorkspaces(workspaces);
    const calls: string[] = [];
    // One reader and source per shape: a fresh process, as the Functions app, `simulate` and `watch` build it.
    const source = azureMlSourceFromReader(
      new AzureMlReader({ ...standInReaderOptions(standIn), onCall: (w) => calls.push(w) }),
      workspaces.map((w) => ({
        subscriptionId: w.subscriptionId,
        resourceGroup: w.resourceGroup,
        workspace: w.name,
      })),
      { refreshAfterMs: REFRESH_MS },
    );
    const writes: DeploymentWrite[] = [];
    const sweep = async (): Promise<{ calls: string[]; ms: number }> => {
      calls.length = 0;
      const hints: DeploymentHints = { writes: [...writes], cluster: [] };
      const t0 = performance.now();
      await source.list(now, hints);
      return { calls: [...calls], ms: performance.now() - t0 };
    };
    const failing = (shape.failed + shape.servicesFailed) * shape.workspaces;
    const budget = (f: number): number => 2 * shape.workspaces + f;
    const label = `${shape.workspaces} × (${shape.services} v1 services, ${shape.servicesFailed} failed; ${shape.endpoints} endpoints × ${shape.deploymentsPerEndpoint} v2 deployments, ${shape.failed} failed)`;
    const row = (what: string, r: { calls: string[] }, f: number, note = ''): void => {
      const met = r.calls.length <= budget(f) ? 'yes' : `no (+${r.calls.length - budget(f)})`;
      rows.push(
        `| ${label} | ${what} | ${r.calls.length} | ${budget(f)} | ${met} | ${breakdown(r.calls)}${note} |`,
      );
      process.stdout.write(`${rows[rows.length - 1]}\n`);
    };

    row('cold (first of a process)', await sweep(), failing);
    const times: number[] = [];
    let steady = { calls: [] as string[], ms: 0 };
    for (let run = 0; run < 5; run++) {
      now = new Date(now.getTime() + SWEEP_MS);
      steady = await sweep();
      times.push(steady.ms);
    }
    row('steady', steady, failing, `; ${median(times).toFixed(0)} ms (median of 5)`);

    // One healthy deployment of ws0 is re-written and refused; Event Grid's ResourceWriteFailure names it.
    const target = workspaces[0]!.deployments.find(
      (d) => (d.deployment.properties as { provisioningState: string }).provisioningState === 'Succeeded',
    );
    if (target) {
      const at = new Date(now.getTime() + MIN);
      target.deployment = {
        ...target.deployment,
        properties: { provisioningState: 'Failed', instanceType: 'defaultinstancetype' },
        systemData: { lastModifiedAt: at.toISOString() },
        operation: failedOp('BadArgument', at),
      };
      writes.push({
        workspace: 'ws0',
        endpoint: target.endpoint,
        deployment: String(target.deployment.name),
        at: at.toISOString(),
      });
      now = new Date(now.getTime() + SWEEP_MS);
      row('after one write event (a new failure)', await sweep(), failing + 1);
      now = new Date(now.getTime() + SWEEP_MS);
      row('the sweep after that', await sweep(), failing + 1);
    }
    // Another healthy deployment of ws0 is being updated: its endpoint is listed every sweep until it settles.
    const moving = workspaces[0]!.deployments.find(
      (d) =>
        d !== target &&
        (d.deployment.properties as { provisioningState: string }).provisioningState === 'Succeeded',
    );
    if (moving) {
      const props = { provisioningState: 'Updating', instanceType: 'defaultinstancetype' };
      const started = new Date(now.getTime() + MIN).toISOString();
      moving.deployment = {
        ...moving.deployment,
        properties: props,
        systemData: { lastModifiedAt: started },
        operation: { status: 'InProgress', startTime: started },
      };
      writes.push({
        workspace: 'ws0',
        endpoint: moving.endpoint,
        deployment: String(moving.deployment.name),
        at: new Date(now.getTime() + MIN).toISOString(),
      });
      now = new Date(now.getTime() + SWEEP_MS);
      await sweep();
      now = new Date(now.getTime() + SWEEP_MS);
      row('each sweep while a deployment is updating', await sweep(), failing + (target ? 1 : 0));
      const { operation: _running, ...settled } = moving.deployment;
      void _running;
      moving.deployment = { ...settled, properties: { ...props, provisioningState: 'Succeeded' } };
      now = new Date(now.getTime() + SWEEP_MS);
      await sweep();
    }
    // Every list is due again (one endpoint per workspace is refreshed in this sweep, the others in the next ones);
    // the Activity Log answers of unchanged failures are reused.
    now = new Date(now.getTime() + REFRESH_MS);
    const refresh = await sweep();
    const f = failing + (target ? 1 : 0);
    const mean = (refresh.calls.length + (SWEEPS_PER_REFRESH - 1) * budget(0)) / SWEEPS_PER_REFRESH;
    row(
      `after the refresh period (once per ${REFRESH_MS / MIN} min)`,
      refresh,
      f,
      `; mean over the ${SWEEPS_PER_REFRESH} sweeps of a period: ${mean.toFixed(1)}`,
    );
  }
} finally {
  await standIn.close();
}

await writeBenchSection(
  '## Azure ML calls per sweep',
  [
    '## Azure ML calls per sweep',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`bench/azuremlCalls.ts\` (\`npm run build && node dist/bench/azuremlCalls.js\`):`,
    "the monitor's Azure ML source as `buildRuntime` wires it (reader with the real `@azure/arm-machinelearning` and",
    '`@azure/arm-monitor` clients and the v1 model-management GETs, behind the per-process deployment cache) against the',
    'loopback HTTPS stand-in. Each shape starts with a new reader and cache, as a new process would; sweeps are 2',
    `minutes apart (the default \`SWEEP_SCHEDULE\`), \`AZUREML_REFRESH_AFTER\` is the default ${REFRESH_MS / MIN} min. Budget from the`,
    'issue: 2 per workspace + 1 per failing deployment. Wall time is loopback only (no network latency).',
    '',
    '| workspaces × contents | sweep | calls | budget | met | of which |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    'The budget holds in steady state and when a write event brings a new failure (its endpoint list and one Activity',
    "Log read); a failed v1 service's ended operation is read once per process (kept by id). Refreshes are spread",
    '(one endpoint per workspace and sweep, the oldest first), so a refresh sweep costs at most one call per workspace',
    'more than a steady one. The first sweep of a process exceeds the budget by one list per Kubernetes endpoint,',
    'because ARM has no workspace-wide list of online deployments (it also reads each workspace, its computes and the',
    "discovery document once). A deployment still being created or updated costs its endpoint's list in every sweep until it",
    "settles, and one Activity Log read for its running write's start (it is not failing, so the budget has no term",
    'for it). docs/azureml.md says what is cached and what may be seen late.',
  ].join('\n'),
);
