/**
 * Input checks for silences and the names they match, shared by `amlmon silence`, chat commands and the HTTP API:
 * every problem is named, nothing is half-created.
 */
import { parseDuration } from '../config/duration.js';
import { CODE_DETAILS } from '../diagnosis/types.js';
import type { Matchers, SilenceRecord } from './types.js';

/** A Kubernetes object name (RFC 1123 label): Deployments and namespaces of Azure ML services. */
export const K8S_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** An Azure ML workspace name: 3–33 characters, letters, digits, `-` and `_`, starting with a letter or digit. */
export const WORKSPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,32}$/;
/** A cluster as the monitor names it (the AKS name or the kubeconfig setting name). */
export const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export const MAX_SILENCE_MS = 90 * 86_400_000;
const MAX_REASON = 500;

export function nameProblem(
  kind: 'service' | 'namespace' | 'workspace' | 'cluster',
  v: string,
): string | undefined {
  const ok =
    kind === 'workspace'
      ? WORKSPACE_NAME.test(v)
      : kind === 'cluster'
        ? CLUSTER_NAME.test(v)
        : K8S_NAME.test(v) || (kind === 'service' && v === '(cluster)');
  if (ok) return undefined;
  const rule =
    kind === 'workspace'
      ? '3–33 letters, digits, - or _'
      : kind === 'cluster'
        ? 'letters, digits, _ . -, at most 63'
        : 'lower-case letters, digits and -, at most 63, starting and ending with a letter or digit';
  return `${kind} ${JSON.stringify(v.slice(0, 80))} is not a valid name (${rule})`;
}

export function isCode(v: string): boolean {
  return Object.hasOwn(CODE_DETAILS, v);
}

export interface SilenceInput {
  workspace?: unknown;
  cluster?: unknown;
  namespace?: unknown;
  service?: unknown;
  code?: unknown;
  reason?: unknown;
  createdBy?: unknown;
  /** RFC 3339; default now. */
  startsAt?: unknown;
  /** RFC 3339; or give `duration`. */
  endsAt?: unknown;
  /** `2h`, `1d`, ... from `startsAt`. */
  duration?: unknown;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function time(v: unknown, field: string, problems: string[]): Date | undefined {
  if (typeof v !== 'string' || !RFC3339.test(v) || Number.isNaN(Date.parse(v))) {
    problems.push(`${field} must be an RFC 3339 time (e.g. 2026-12-03T18:00:00Z)`);
    return undefined;
  }
  return new Date(v);
}

export function parseSilenceInput(
  input: SilenceInput,
  now: Date,
): { ok: true; silence: Omit<SilenceRecord, 'id'> } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const matchers: Matchers = {};
  for (const label of ['workspace', 'cluster', 'namespace', 'service'] as const) {
    const v = input[label];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v !== 'string') {
      problems.push(`${label} must be a string`);
      continue;
    }
    const p = nameProblem(label, v);
    if (p) problems.push(p);
    else matchers[label] = v;
  }
  if (input.code !== undefined && input.code !== null && input.code !== '') {
    if (typeof input.code !== 'string' || !isCode(input.code))
      problems.push(
        `code ${JSON.stringify(input.code)} is not a known code (e.g. ScoringInitFailure, NodeFailure)`,
      );
    else matchers.code = input.code;
  }
  if (Object.keys(matchers).length === 0 && problems.length === 0)
    problems.push('a silence needs at least one matcher: workspace, cluster, namespace, service or code');
  if (typeof input.reason !== 'string' || input.reason.trim() === '')
    problems.push('reason is required (say why, for whoever wonders where the alerts went)');
  else if (input.reason.length > MAX_REASON) problems.push(`reason is longer than ${MAX_REASON} characters`);
  if (typeof input.createdBy !== 'string' || input.createdBy.trim() === '')
    problems.push('creator is required');
  const startsAt = input.startsAt === undefined ? now : time(input.startsAt, 'startsAt', problems);
  let endsAt: Date | undefined;
  if (input.endsAt !== undefined && input.duration !== undefined)
    problems.push('give endsAt or duration, not both');
  else if (input.endsAt !== undefined) endsAt = time(input.endsAt, 'endsAt', problems);
  else if (input.duration !== undefined) {
    const ms = typeof input.duration === 'string' ? parseDuration(input.duration) : undefined;
    if (ms === undefined)
      problems.push(`duration ${JSON.stringify(input.duration)} is not a duration (e.g. 2h, 1d)`);
    else if (startsAt) endsAt = new Date(startsAt.getTime() + ms);
  } else problems.push('an end is required: a duration (e.g. 2h) or an end time (RFC 3339)');
  if (startsAt && endsAt) {
    if (endsAt <= startsAt) problems.push('the silence ends before it starts');
    else if (endsAt.getTime() <= now.getTime()) problems.push('the silence would already be over');
    else if (endsAt.getTime() - startsAt.getTime() > MAX_SILENCE_MS)
      problems.push('a silence lasts at most 90 days; create a new one when it ends');
  }
  if (problems.length > 0 || !startsAt || !endsAt) return { ok: false, problems };
  return {
    ok: true,
    silence: {
      kind: 'silence',
      matchers,
      createdBy: (input.createdBy as string).trim().slice(0, 120),
      reason: (input.reason as string).trim(),
      createdAt: now.toISOString(),
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
    },
  };
}
