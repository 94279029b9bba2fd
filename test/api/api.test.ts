/**
 * The HTTP API through its function handlers (real HttpRequests), state in Azurite filled by a real sweep of the
 * scenario cluster (HTTPS Kubernetes stand-in): filters, pagination, validation, stable errors, silences CRUD.
 */
import azureFunctions, { type HttpResponseInit } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiDeployment,
  apiDeployments,
  apiDiagnose,
  apiIncidents,
  apiSilence,
  apiSilences,
} from '../../functions/api.js';
import { setRuntime } from '../../functions/runtime.js';
import { loadKubeconfigTarget } from '../../shared/cluster/index.js';
import { clusterSourceFromTarget } from '../../shared/monitor/clusterSource.js';
import { runSweep } from '../../shared/monitor/sweep.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import { startScenarioCluster } from '../../sim/standins/kubernetes/index.js';
import { makeHarness, type Harness } from '../functions/harness.js';

const { HttpRequest } = azureFunctions;
const START = '2026-11-26T10:00:00Z';
let azurite: AzuriteInstance;
let cluster: Awaited<ReturnType<typeof startScenarioCluster>>;
let h: Harness;

beforeAll(async () => {
  azurite = await startAzurite();
  const now = new Date(START);
  cluster = await startScenarioCluster({
    bundles: [
      'examples/demo/cluster/0/fraud-score',
      'examples/demo/cluster/0/churn-model',
      'examples/demo/cluster/0/blue-recsys',
      'examples/demo/cluster/0/platform',
    ],
    clock: () => now,
  });
  h = makeHarness(azurite, {
    clusters: [
      clusterSourceFromTarget('scenario', loadKubeconfigTarget({ kubeconfig: cluster.kubeconfigPath })),
    ],
    start: START,
  });
  setRuntime(h.rt);
  expect((await runSweep(h.rt)).errors).toEqual([]);
}, 120_000);
afterAll(async () => {
  setRuntime(undefined);
  await cluster?.close();
  await azurite?.stop();
});

type Handler = (
  r: InstanceType<typeof HttpRequest>,
  c: ReturnType<Harness['context']>,
) => Promise<HttpResponseInit>;

async function call(
  handler: Handler,
  method: string,
  path: string,
  opts: { params?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await handler(
    new HttpRequest({
      method,
      url: `https://amlmon.example.net/api/${path}`,
      params: opts.params ?? {},
      ...(opts.body !== undefined
        ? {
            body: { string: opts.body },
            headers: {
              'content-type': 'application/json',
              'content-length': String(Buffer.byteLength(opts.body)),
            },
          }
        : {}),
    }),
    h.context('api'),
  );
  return { status: res.status ?? 200, body: res.jsonBody as Record<string, unknown> };
}

describe('GET /api/deployments', () => {
  it('lists what the sweep saw, filters by status, pages with a cursor', async () => {
    const all = await call(apiDeployments, 'GET', 'deployments');
    expect(all.status).toBe(200);
    const names = (all.body.items as Array<{ service: string }>).map((d) => d.service).sort();
    expect(names).toEqual(['blue-recsys', 'churn-model', 'fraud-score']);
    const failed = await call(apiDeployments, 'GET', 'deployments?status=Failed');
    expect((failed.body.items as Array<{ service: string }>).map((d) => d.service)).toEqual(['fraud-score']);
    const first = await call(apiDeployments, 'GET', 'deployments?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await call(
      apiDeployments,
      'GET',
      `deployments?limit=2&cursor=${String(first.body.nextCursor)}`,
    );
    expect(second.body.items).toHaveLength(1);
    expect(second.body.nextCursor).toBeUndefined();
  });

  it('refuses bad filters and cursors with stable JSON errors', async () => {
    for (const q of [
      'status=Broken',
      'limit=0',
      'limit=1000',
      'cursor=%2F%2F',
      'namespace=Bad_NS',
      'workspace=x',
    ])
      expect(await call(apiDeployments, 'GET', `deployments?${q}`)).toMatchObject({
        status: 400,
        body: { error: { code: 'BadRequest' } },
      });
  });
});

describe('GET /api/deployments/{workspace}/{service}', () => {
  it('gives the state, the open incident and the latest diagnosis', async () => {
    const list = await call(apiDeployments, 'GET', 'deployments?status=Failed');
    const ws = (list.body.items as Array<{ workspace: string | null }>)[0]?.workspace ?? '-';
    const r = await call(apiDeployment, 'GET', `deployments/${ws}/fraud-score`, {
      params: { workspace: ws, service: 'fraud-score' },
    });
    expect(r.status).toBe(200);
    expect(r.body.deployment).toMatchObject({ service: 'fraud-score', status: 'Failed' });
    expect(r.body.openIncidents).toMatchObject([
      { code: 'ScoringInitFailure', detail: 'MissingPythonModule' },
    ]);
    expect(r.body.latestDiagnosis).toMatchObject({ service: 'fraud-score', status: 'Failed' });
    expect(
      await call(apiDeployment, 'GET', 'x', { params: { workspace: ws, service: 'nosuch' } }),
    ).toMatchObject({ status: 404, body: { error: { code: 'NotFound' } } });
    expect(
      await call(apiDeployment, 'GET', 'x', { params: { workspace: ws, service: 'Not_A_Name' } }),
    ).toMatchObject({ status: 400 });
  });

  it('POST .../diagnose runs a live diagnosis against the cluster', async () => {
    const list = await call(apiDeployments, 'GET', 'deployments?status=Failed');
    const ws = (list.body.items as Array<{ workspace: string | null }>)[0]?.workspace ?? '-';
    const r = await call(apiDiagnose, 'POST', 'x', { params: { workspace: ws, service: 'fraud-score' } });
    expect(r.status).toBe(200);
    const diagnosis = r.body.diagnosis as { status: string; findings: Array<{ code: string }> };
    expect(diagnosis.status).toBe('Failed');
    expect(diagnosis.findings[0]?.code).toBe('ScoringInitFailure');
    expect(
      (await call(apiDiagnose, 'GET', 'x', { params: { workspace: ws, service: 'fraud-score' } })).status,
    ).toBe(405);
  });
});

describe('GET /api/incidents', () => {
  it('filters by since and state', async () => {
    const r = await call(apiIncidents, 'GET', 'incidents?since=2026-11-26T00:00:00Z&state=open');
    expect((r.body.items as Array<{ service: string }>).map((i) => i.service)).toContain('fraud-score');
    const later = await call(apiIncidents, 'GET', 'incidents?since=2026-11-27T00:00:00Z');
    expect(later.body.items).toEqual([]);
    expect((await call(apiIncidents, 'GET', 'incidents?since=yesterday')).status).toBe(400);
    expect((await call(apiIncidents, 'GET', 'incidents?state=maybe')).status).toBe(400);
  });
});

describe('silences CRUD', () => {
  it('creates, lists, reads and expires; names every problem of a bad one', async () => {
    const created = await call(apiSilences, 'POST', 'silences', {
      body: JSON.stringify({
        cluster: 'scenario',
        code: 'ScoringInitFailure',
        duration: '2h',
        reason: 'image fix rolling out',
        createdBy: 'ops@contoso.com',
      }),
    });
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect(created.body).toMatchObject({ kind: 'silence', endsAt: '2026-11-26T12:00:00.000Z' });
    const list = await call(apiSilences, 'GET', 'silences');
    expect(list.body.items).toMatchObject([{ id, state: 'active' }]);
    expect((await call(apiSilence, 'GET', `silences/${id}`, { params: { id } })).body).toMatchObject({ id });
    const expired = await call(apiSilence, 'DELETE', `silences/${id}?by=ops`, { params: { id } });
    expect(expired.body).toMatchObject({ id, expiredBy: 'ops' });
    expect((await call(apiSilences, 'GET', 'silences')).body.items).toEqual([]);
    expect((await call(apiSilences, 'GET', 'silences?all=true')).body.items).toMatchObject([
      { id, state: 'expired' },
    ]);

    const bad = await call(apiSilences, 'POST', 'silences', {
      body: JSON.stringify({ service: 'Bad Name', code: 'Nope' }),
    });
    expect(bad.status).toBe(400);
    expect((bad.body.error as { details: string[] }).details.length).toBeGreaterThanOrEqual(4);
    expect((await call(apiSilences, 'POST', 'silences', { body: '[1' })).status).toBe(400);
    expect((await call(apiSilences, 'POST', 'silences', { body: 'x'.repeat(20_000) })).status).toBe(413);
    expect((await call(apiSilence, 'GET', 'silences/nope', { params: { id: 'nope' } })).status).toBe(404);
    expect((await call(apiSilence, 'GET', 'silences/..', { params: { id: '../x' } })).status).toBe(400);
  });
});

describe('docs/openapi.yaml', () => {
  it('parses, and names exactly the routes and methods the functions register', async () => {
    const { readFile } = await import('node:fs/promises');
    const { parse } = await import('yaml');
    const doc = parse(await readFile('docs/openapi.yaml', 'utf8')) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((k) => k !== 'parameters')
          .map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    expect(documented).toEqual([
      'DELETE /silences/{id}',
      'GET /deployments',
      'GET /deployments/{workspace}/{service}',
      'GET /incidents',
      'GET /silences',
      'GET /silences/{id}',
      'POST /deployments/{workspace}/{service}/diagnose',
      'POST /silences',
    ]);
    const source = await readFile('functions/api.ts', 'utf8');
    for (const path of Object.keys(doc.paths)) expect(source).toContain(`route: '${path.slice(1)}'`);
  });
});
