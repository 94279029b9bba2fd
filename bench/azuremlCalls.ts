/**
 * Azure ML calls per sweep: the reader against the HTTPS stand-in with W workspaces, each holding S v1 services and
 * E Kubernetes endpoints of D deployments, F of them failed. Counts every call the reader makes for one sweep after
 * the workspace facts are cached (they are read once per process), and times the sweep's Azure ML reads.
 * Budget (issue): at most 2 per workspace plus 1 per failing deployment.
 */
import type { AccessToken } from '@azure/identity';
import { AzureMlReader } from '../shared/azureml/reader.js';
import { startAzureMlStandIn, type StandInWorkspace } from '../sim/standins/azureml/index.js';
import { median, writeBenchSection } from './support.js';

interface Shape {
  workspaces: number;
  services: number;
  endpoints: number;
  deploymentsPerEndpoint: number;
  failed: number;
}

const SHAPES: Shape[] = [
  { workspaces: 1, services: 20, endpoints: 1, deploymentsPerEndpoint: 2, failed: 1 },
  { workspaces: 3, services: 50, endpoints: 1, deploymentsPerEndpoint: 3, failed: 2 },
  { workspaces: 3, services: 50, endpoints: 4, deploymentsPerEndpoint: 2, failed: 2 },
];

function workspace(i: number, s: Shape): StandInWorkspace {
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
          ...(fail
            ? {
                operation: {
                  status: 'Failed',
                  startTime: '2026-12-03T09:00:00Z',
                  endTime: '2026-12-03T09:05:00Z',
                  error: { code: 'OutOfQuota', message: 'Kubernetes unschedulable.' },
                },
              }
            : {}),
        },
      });
    }
  }
  return {
    name: `ws${i}`,
    subscriptionId: '00000000-0000-4000-8000-000000000000',
    resourceGroup: 'rg',
    cluster: 'aks',
    services: Array.from({ length: s.services }, (_, k) => ({
      name: `svc${k}`,
      state: 'Healthy',
      computeType: 'AKS',
    })),
    deployments,
  };
}

const standIn = await startAzureMlStandIn();
const rows: string[] = [];
try {
  for (const shape of SHAPES) {
    const workspaces = Array.from({ length: shape.workspaces }, (_, i) => workspace(i, shape));
    standIn.setWorkspaces(workspaces);
    const calls: string[] = [];
    const reader = new AzureMlReader({
      credential: {
        getToken: (): Promise<AccessToken> =>
          Promise.resolve({ token: standIn.token, expiresOnTimestamp: Date.now() + 3600_000 }),
      },
      armEndpoint: standIn.url,
      caCert: standIn.caCert,
      extraDataPlaneHost: standIn.host,
      onCall: (w) => calls.push(w),
    });
    const refs = workspaces.map((w) => ({
      subscriptionId: w.subscriptionId,
      resourceGroup: w.resourceGroup,
      workspace: w.name,
    }));
    for (const ref of refs) await reader.deployments(ref, new Date()); // facts and discovery cached
    const times: number[] = [];
    let perSweep = 0;
    for (let run = 0; run < 5; run++) {
      calls.length = 0;
      const t0 = performance.now();
      for (const ref of refs) await reader.deployments(ref, new Date());
      times.push(performance.now() - t0);
      perSweep = calls.length;
    }
    const failing = shape.failed * shape.workspaces;
    const budget = 2 * shape.workspaces + failing;
    const listCalls = shape.workspaces * shape.endpoints;
    rows.push(
      `| ${shape.workspaces} × (${shape.services} v1 services, ${shape.endpoints} endpoints × ${shape.deploymentsPerEndpoint} deployments, ${shape.failed} failed) | ${perSweep} | ${budget} | ${listCalls} deployment lists, ${failing} Activity Log reads | ${median(times).toFixed(0)} ms |`,
    );
    process.stdout.write(`${rows[rows.length - 1]}\n`);
  }
} finally {
  await standIn.close();
}

await writeBenchSection(
  '## Azure ML calls per sweep',
  [
    '## Azure ML calls per sweep',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} by \`bench/azuremlCalls.ts\`: the reader (real \`@azure/arm-machinelearning\`,`,
    '`@azure/arm-monitor` clients and the v1 model-management GET) against the loopback HTTPS stand-in, one sweep after the',
    'workspace facts and discovery document are cached; wall time is the median of 5 sweeps (loopback, no network latency).',
    'Budget from the issue: 2 per workspace + 1 per failing deployment.',
    '',
    '| workspaces × contents | calls per sweep | budget | of which | sweep reads |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'Over budget by one deployments list per Kubernetes endpoint: ARM has no workspace-wide list of online deployments,',
    'so v2 deployments are listed endpoint by endpoint.',
  ].join('\n'),
);
