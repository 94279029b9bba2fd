/**
 * `changes` of a diagnosis: what differs between the failing revision (the newest ReplicaSet) and the last revision
 * that was ready, read from the pod templates the ReplicaSet history keeps. Compared: each container's image,
 * environment variable NAMES (values may be secrets and are never read), resources, probes, and the pod's node
 * selector. Azure ML's model mount/version lives in the init container's image and arguments, so init containers
 * are compared too.
 */
import type { V1Container, V1PodTemplateSpec, V1Probe, V1ReplicaSet } from '@kubernetes/client-node';
import type { AmlDeployment } from '../rule.js';
import type { Change } from '../types.js';

function revision(rs: V1ReplicaSet): number {
  const r = Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision']);
  return Number.isFinite(r) ? r : -1;
}

function wasReady(rs: V1ReplicaSet): boolean {
  return (rs.status?.readyReplicas ?? 0) > 0 || (rs.status?.availableReplicas ?? 0) > 0;
}

function quantities(q: Record<string, string> | undefined): string {
  return Object.entries(q ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .sort()
    .join(', ');
}

function resources(c: V1Container): string {
  const req = quantities(c.resources?.requests as Record<string, string> | undefined);
  const lim = quantities(c.resources?.limits as Record<string, string> | undefined);
  return [req && `requests ${req}`, lim && `limits ${lim}`].filter(Boolean).join('; ');
}

function probe(p: V1Probe | undefined): string {
  if (!p) return '';
  const how = p.httpGet
    ? `httpGet ${p.httpGet.path ?? '/'} port ${String(p.httpGet.port)}`
    : p.tcpSocket
      ? `tcpSocket port ${String(p.tcpSocket.port)}`
      : p.exec
        ? `exec ${(p.exec.command ?? []).join(' ')}`
        : 'probe';
  const timing = [
    ['initialDelaySeconds', p.initialDelaySeconds],
    ['periodSeconds', p.periodSeconds],
    ['timeoutSeconds', p.timeoutSeconds],
    ['failureThreshold', p.failureThreshold],
  ]
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${String(k)} ${String(v)}`);
  return [how, ...timing].join(', ');
}

function envNames(c: V1Container): string {
  return (c.env ?? [])
    .map((e) => e.name)
    .sort()
    .join(', ');
}

function containerFields(prefix: string, c: V1Container): Map<string, string> {
  const m = new Map<string, string>();
  m.set(`${prefix} ${c.name}: image`, c.image ?? '');
  m.set(`${prefix} ${c.name}: environment variable names`, envNames(c));
  m.set(`${prefix} ${c.name}: resources`, resources(c));
  m.set(`${prefix} ${c.name}: readiness probe`, probe(c.readinessProbe));
  m.set(`${prefix} ${c.name}: liveness probe`, probe(c.livenessProbe));
  if (prefix === 'init container') m.set(`${prefix} ${c.name}: args`, (c.args ?? []).join(' '));
  return m;
}

function templateFields(t: V1PodTemplateSpec | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const c of t?.spec?.initContainers ?? [])
    for (const [k, v] of containerFields('init container', c)) m.set(k, v);
  for (const c of t?.spec?.containers ?? [])
    for (const [k, v] of containerFields('container', c)) m.set(k, v);
  m.set('node selector', quantities(t?.spec?.nodeSelector));
  return m;
}

/** Env var names: say which were added and removed rather than two long lists. */
function envChange(field: string, before: string, after: string): Change {
  const b = new Set(before ? before.split(', ') : []);
  const a = new Set(after ? after.split(', ') : []);
  const added = [...a].filter((x) => !b.has(x));
  const removed = [...b].filter((x) => !a.has(x));
  return {
    field,
    before: removed.length ? `had ${removed.join(', ')}` : before || '(none)',
    after: added.length
      ? `adds ${added.join(', ')}`
      : removed.length
        ? `without ${removed.join(', ')}`
        : after,
  };
}

/**
 * Differences from the last ready revision to the newest one, or `null` when the history has no earlier ready
 * revision to compare with (a first deployment, or a Deployment whose history was pruned).
 */
export function revisionChanges(target: AmlDeployment): Change[] | null {
  const history = [...target.replicaSets]
    .filter((rs) => revision(rs) >= 0)
    .sort((a, b) => revision(b) - revision(a));
  const failing = history[0];
  if (!failing) return null;
  const older = history.slice(1);
  const good = older.find(wasReady) ?? older[0];
  if (!good) return null;
  const before = templateFields(good.spec?.template);
  const after = templateFields(failing.spec?.template);
  const changes: Change[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const b = before.get(key) ?? '';
    const a = after.get(key) ?? '';
    if (a === b) continue;
    if (key.endsWith('environment variable names')) changes.push(envChange(key, b, a));
    else changes.push({ field: key, before: b || '(none)', after: a || '(none)' });
  }
  return changes;
}
