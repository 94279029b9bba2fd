/**
 * The monitor's HTTP API (function-key auth at the host): deployments, incidents, a live diagnosis, silences.
 * Every input is validated (Kubernetes / Azure ML name rules, RFC 3339 times, bounded pages); every error is
 * `{"error": {"code", "message"}}` with a stable code.
 */
import { createSilence, expireSilence } from '../actions/apply.js';
import { diagnoseNow } from '../chat/commands.js';
import type { IncidentRecord } from '../incidents/types.js';
import { listSilences } from '../monitor/hold.js';
import type { MonitorRuntime } from '../monitor/types.js';
import { silenceState } from '../silences/match.js';
import { SILENCE_PARTITION } from '../silences/types.js';
import { nameProblem, parseSilenceInput, type SilenceInput } from '../silences/validate.js';
import type { DeploymentRecord } from '../state/types.js';

export type ApiErrorCode =
  'BadRequest' | 'NotFound' | 'MethodNotAllowed' | 'PayloadTooLarge' | 'Conflict' | 'ServiceUnavailable';

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface ApiRequest {
  method: string;
  /** Which endpoint (the function's route template), and its route parameters. */
  route: 'deployments' | 'deployment' | 'diagnose' | 'incidents' | 'silences' | 'silence';
  params: Record<string, string | undefined>;
  query: URLSearchParams;
  /** Raw JSON body, for POST. */
  body?: string;
}

export const MAX_API_BODY_BYTES = 16 * 1024;
export const MAX_PAGE = 200;
const DEFAULT_PAGE = 50;

export function apiError(
  status: number,
  code: ApiErrorCode,
  message: string,
  details?: string[],
): ApiResponse {
  return { status, body: { error: { code, message, ...(details && details.length ? { details } : {}) } } };
}

const ok = (body: unknown, status = 200): ApiResponse => ({ status, body });

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

interface Page {
  limit: number;
  offset: number;
}

function page(q: URLSearchParams): Page | ApiResponse {
  const limitText = q.get('limit');
  const limit = limitText === null ? DEFAULT_PAGE : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    return apiError(400, 'BadRequest', `limit must be a whole number from 1 to ${MAX_PAGE}`);
  const cursor = q.get('cursor');
  let offset = 0;
  if (cursor !== null) {
    const decoded = /^[A-Za-z0-9_-]{1,32}$/.test(cursor)
      ? Buffer.from(cursor, 'base64url').toString('utf8')
      : '';
    offset = /^o:\d{1,9}$/.test(decoded) ? Number(decoded.slice(2)) : -1;
    if (offset < 0) return apiError(400, 'BadRequest', 'cursor is not one this API returned');
  }
  return { limit, offset };
}

function paginate<T>(items: T[], p: Page): { items: T[]; nextCursor?: string } {
  const slice = items.slice(p.offset, p.offset + p.limit);
  const next = p.offset + p.limit;
  return {
    items: slice,
    ...(next < items.length ? { nextCursor: Buffer.from(`o:${next}`).toString('base64url') } : {}),
  };
}

function isPage(p: Page | ApiResponse): p is Page {
  return (p as Page).limit !== undefined;
}

function workspaceOf(d: { workspace?: string }): string {
  return d.workspace ?? '-';
}

function checkNames(
  checks: Array<['service' | 'namespace' | 'workspace' | 'cluster', string | null | undefined]>,
): ApiResponse | undefined {
  const problems: string[] = [];
  for (const [kind, v] of checks) {
    if (v === null || v === undefined) continue;
    if (kind === 'workspace' && v === '-') continue;
    const p = nameProblem(kind, v);
    if (p) problems.push(p);
  }
  return problems.length ? apiError(400, 'BadRequest', problems.join('; '), problems) : undefined;
}

function deploymentView(d: DeploymentRecord): Record<string, unknown> {
  return {
    workspace: d.workspace ?? null,
    cluster: d.cluster,
    namespace: d.namespace,
    service: d.service,
    status: d.status,
    flavor: d.flavor ?? null,
    firstSeen: d.firstSeen,
    lastProgress: d.lastProgress,
    startedAt: d.startedAt ?? null,
    healthyAt: d.healthyAt ?? null,
  };
}

function incidentView(i: IncidentRecord, withDiagnosis: boolean): Record<string, unknown> {
  return {
    id: i.fingerprint,
    workspace: i.workspace ?? null,
    cluster: i.cluster,
    namespace: i.namespace,
    service: i.service,
    code: i.code,
    detail: i.detail,
    status: i.status,
    openedAt: i.openedAt,
    resolvedAt: i.resolvedAt ?? null,
    lastNotifiedAt: i.lastNotifiedAt ?? null,
    ack: i.ack ?? null,
    mute: i.mute ?? null,
    held: i.held ?? null,
    covers: i.covers ?? [],
    evidenceUrl: i.evidenceUrl ?? null,
    ...(withDiagnosis ? { diagnosis: i.diagnosis } : {}),
  };
}

async function findDeployment(
  rt: MonitorRuntime,
  workspace: string,
  service: string,
): Promise<DeploymentRecord[]> {
  return (await rt.state.deployments.list())
    .map((r) => r.value)
    .filter((d) => !d.deleted && d.service === service && workspaceOf(d) === workspace);
}

export async function handleApiRequest(rt: MonitorRuntime, req: ApiRequest): Promise<ApiResponse> {
  const method = req.method.toUpperCase();
  const q = req.query;
  switch (req.route) {
    case 'deployments': {
      if (method !== 'GET') return apiError(405, 'MethodNotAllowed', 'GET only');
      const bad = checkNames([
        ['workspace', q.get('workspace')],
        ['cluster', q.get('cluster')],
        ['namespace', q.get('namespace')],
      ]);
      if (bad) return bad;
      const status = q.get('status');
      const STATUSES = ['Failed', 'Hung', 'Progressing', 'Degraded', 'Healthy', 'Unknown'];
      if (status !== null && !STATUSES.includes(status))
        return apiError(400, 'BadRequest', `status must be one of ${STATUSES.join(', ')}`);
      const p = page(q);
      if (!isPage(p)) return p;
      const all = (await rt.state.deployments.list())
        .map((r) => r.value)
        .filter(
          (d) =>
            !d.deleted &&
            (q.get('workspace') === null || workspaceOf(d) === q.get('workspace')) &&
            (q.get('cluster') === null || d.cluster === q.get('cluster')) &&
            (q.get('namespace') === null || d.namespace === q.get('namespace')) &&
            (status === null || d.status === status),
        )
        .sort((a, b) =>
          `${a.cluster}/${a.namespace}/${a.service}`.localeCompare(
            `${b.cluster}/${b.namespace}/${b.service}`,
          ),
        );
      return ok(paginate(all.map(deploymentView), p));
    }
    case 'deployment':
    case 'diagnose': {
      const workspace = req.params.workspace ?? '';
      const service = req.params.service ?? '';
      const bad = checkNames([
        ['workspace', workspace],
        ['service', service],
      ]);
      if (bad) return bad;
      if (req.route === 'deployment' && method !== 'GET')
        return apiError(405, 'MethodNotAllowed', 'GET only');
      if (req.route === 'diagnose' && method !== 'POST')
        return apiError(405, 'MethodNotAllowed', 'POST only');
      const found = await findDeployment(rt, workspace, service);
      if (found.length === 0)
        return apiError(
          404,
          'NotFound',
          `the monitor has not seen ${service} in workspace ${workspace} (use - for deployments without a known workspace)`,
        );
      if (found.length > 1)
        return apiError(
          409,
          'Conflict',
          `${service} is on several clusters of ${workspace}: ${found.map((d) => d.cluster).join(', ')}`,
        );
      const d = found[0] as DeploymentRecord;
      if (req.route === 'diagnose') {
        const r = await diagnoseNow(rt, d);
        const incident = r.notification?.incidents[0];
        if (!incident) return ok({ deployment: deploymentView(d), diagnosis: null, message: r.reply.text });
        return ok({ deployment: deploymentView(d), diagnosis: incident.diagnosis });
      }
      const incidents = (await rt.state.incidents.list(d.cluster))
        .map((r) => r.value)
        .filter((i) => i.namespace === d.namespace && i.service === d.service)
        .sort((a, b) => b.openedAt.localeCompare(a.openedAt));
      const open = incidents.filter((i) => i.resolvedAt === undefined);
      const latest = open[0] ?? incidents[0];
      return ok({
        deployment: deploymentView(d),
        openIncidents: open.map((i) => incidentView(i, false)),
        latestDiagnosis: latest?.diagnosis ?? null,
      });
    }
    case 'incidents': {
      if (method !== 'GET') return apiError(405, 'MethodNotAllowed', 'GET only');
      const since = q.get('since');
      if (since !== null && (!RFC3339.test(since) || Number.isNaN(Date.parse(since))))
        return apiError(400, 'BadRequest', 'since must be an RFC 3339 time (e.g. 2026-12-03T00:00:00Z)');
      const state = q.get('state');
      if (state !== null && state !== 'open' && state !== 'resolved')
        return apiError(400, 'BadRequest', 'state must be open or resolved');
      const bad = checkNames([['workspace', q.get('workspace')]]);
      if (bad) return bad;
      const p = page(q);
      if (!isPage(p)) return p;
      const sinceMs = since === null ? Number.NEGATIVE_INFINITY : Date.parse(since);
      const all = (await rt.state.incidents.list())
        .map((r) => r.value)
        .filter(
          (i) =>
            Date.parse(i.openedAt) >= sinceMs &&
            (state === null || (state === 'open') === (i.resolvedAt === undefined)) &&
            (q.get('workspace') === null || workspaceOf(i) === q.get('workspace')),
        )
        .sort((a, b) => b.openedAt.localeCompare(a.openedAt) || a.fingerprint.localeCompare(b.fingerprint));
      return ok(
        paginate(
          all.map((i) => incidentView(i, false)),
          p,
        ),
      );
    }
    case 'silences': {
      if (method === 'GET') {
        const p = page(q);
        if (!isPage(p)) return p;
        const now = rt.clock.now();
        const open = new Set(
          (await rt.state.incidents.list())
            .filter((r) => r.value.resolvedAt === undefined)
            .map((r) => r.value.fingerprint),
        );
        const all = q.get('all') === 'true';
        const list = (await listSilences(rt.state))
          .map((s) => ({ ...s, state: silenceState(s, now, open) }))
          .filter((s) => all || s.state !== 'expired')
          .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.id.localeCompare(b.id));
        return ok(paginate(list, p));
      }
      if (method !== 'POST') return apiError(405, 'MethodNotAllowed', 'GET or POST');
      if (!rt.state.silences)
        return apiError(503, 'ServiceUnavailable', 'this monitor has no silences table');
      let input: unknown;
      try {
        input = JSON.parse(req.body ?? '');
      } catch {
        return apiError(400, 'BadRequest', 'the body must be a JSON object');
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input))
        return apiError(400, 'BadRequest', 'the body must be a JSON object');
      const parsed = parseSilenceInput(input as SilenceInput, rt.clock.now());
      if (!parsed.ok) return apiError(400, 'BadRequest', parsed.problems.join('; '), parsed.problems);
      return ok(await createSilence(rt.state, parsed.silence), 201);
    }
    case 'silence': {
      const id = req.params.id ?? '';
      if (!/^[A-Za-z0-9-]{1,64}$/.test(id))
        return apiError(400, 'BadRequest', 'a silence id is letters, digits and -');
      const found = await rt.state.silences?.get(SILENCE_PARTITION, id);
      if (!found) return apiError(404, 'NotFound', `no silence ${id}`);
      if (method === 'GET') return ok(found.value);
      if (method !== 'DELETE') return apiError(405, 'MethodNotAllowed', 'GET or DELETE');
      const by = q.get('by') ?? 'api';
      return ok(await expireSilence(rt.state, id, by.slice(0, 120), rt.clock.now()));
    }
  }
}
