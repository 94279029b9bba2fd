/**
 * Parses the API server's ResourceQuota admission errors, as the ReplicaSet controller quotes them:
 * `pods "x" is forbidden: exceeded quota: compute-resources, requested: limits.memory=4Gi, used:
 * limits.memory=14Gi, limited: limits.memory=16Gi` and `… forbidden: failed quota: compute-resources: must specify
 * limits.cpu,limits.memory` (newer: `must specify limits.cpu for: app; limits.memory for: app`).
 */

export interface QuotaResource {
  name: string;
  requested?: string;
  used?: string;
  limited?: string;
}

export interface QuotaViolation {
  kind: 'exceeded' | 'mustSpecify';
  quota: string;
  /** exceeded: one entry per resource over its hard limit. mustSpecify: the resources the pod must set. */
  resources: QuotaResource[];
  pod?: string;
}

function pairs(list: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of list.split(',')) {
    const [k, v] = item.split('=');
    if (k && v !== undefined) out.set(k.trim(), v.trim());
  }
  return out;
}

export function parseQuotaMessage(message: string | undefined): QuotaViolation | undefined {
  if (!message) return undefined;
  const pod = /pods "([^"]+)" is forbidden/.exec(message)?.[1];
  const exceeded = /exceeded quota: ([^,\s]+), requested: (\S+?), used: (\S+?), limited: (\S+?)(?:\s|$)/.exec(
    message,
  );
  if (exceeded) {
    const requested = pairs(exceeded[2] ?? '');
    const used = pairs(exceeded[3] ?? '');
    const limited = pairs(exceeded[4] ?? '');
    const resources = [...requested.keys()].map((name) => ({
      name,
      requested: requested.get(name),
      used: used.get(name),
      limited: limited.get(name),
    }));
    return { kind: 'exceeded', quota: exceeded[1] ?? '?', resources, ...(pod ? { pod } : {}) };
  }
  const must = /failed quota: ([^:\s]+): must specify (.+)$/.exec(message);
  if (must) {
    const names = [
      ...new Set((must[2] ?? '').split(/[,;]\s*/).map((s) => s.replace(/\s+for:.*$/, '').trim())),
    ].filter(Boolean);
    return {
      kind: 'mustSpecify',
      quota: must[1] ?? '?',
      resources: names.map((name) => ({ name })),
      ...(pod ? { pod } : {}),
    };
  }
  return undefined;
}
