/**
 * `commands` of a finding: the exact shell commands that confirm its cause, filled in from the objects its evidence
 * names (the crashed container's previous log, a running container's latest lines, the pod's events, the stalled
 * Deployment, the node). Every name is shell-quoted: names come from the cluster and are untrusted. Read-only
 * commands only.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Snapshot } from '../../snapshot/types.js';
import type { AmlDeployment } from '../rule.js';
import type { Evidence } from '../types.js';
import { shellQuote as q } from './shellQuote.js';

/** Enough to confirm; a person at 3 a.m. does not read a dozen commands. */
export const MAX_COMMANDS = 4;

function podCommands(
  ns: string,
  pod: V1Pod,
  container: string | undefined,
  part: string | undefined,
): string[] {
  const n = `-n ${q(ns)}`;
  const name = pod.metadata?.name ?? '';
  if (container && part === 'previous-log')
    return [`kubectl logs ${n} ${q(name)} -c ${q(container)} --previous`];
  if (container && part === 'log') return [`kubectl logs ${n} ${q(name)} -c ${q(container)} --tail=50`];
  // A container that is still running (a model download that does not finish): its latest log lines first.
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const running = container !== undefined && statuses.some((s) => s.name === container && s.state?.running);
  return [
    ...(running && container ? [`kubectl logs ${n} ${q(name)} -c ${q(container)} --tail=20`] : []),
    `kubectl describe pod ${n} ${q(name)}`,
    `kubectl get events ${n} --field-selector ${q(`involvedObject.name=${name}`)}`,
  ];
}

function commandsFor(snapshot: Snapshot, target: AmlDeployment, ev: Evidence): string[] {
  const parts = ev.source.split('/');
  const ns = target.namespace;
  const [kind, name] = parts;
  if (!name || !ns) return [];
  if (kind === 'pod') {
    const pod = [...target.pods, ...snapshot.pods].find((p) => p.metadata?.name === name);
    if (!pod) return [];
    const container = parts[2] === 'container' ? parts[3] : undefined;
    return podCommands(ns, pod, container, parts[4]);
  }
  if (kind === 'event' && parts[2]) {
    return [`kubectl get events -n ${q(ns)} --field-selector ${q(`involvedObject.name=${parts[2]}`)}`];
  }
  if (kind === 'deployment' && name === target.deployment?.metadata?.name) {
    return [
      `kubectl get deployment -n ${q(ns)} ${q(name)} -o wide`,
      `kubectl get replicasets -n ${q(ns)} -o wide`,
    ];
  }
  if (kind === 'node' && snapshot.nodes.some((n) => n.metadata?.name === name)) {
    return [`kubectl describe node ${q(name)}`];
  }
  return [];
}

/** Filled-in confirming commands for a finding's evidence, most decisive first, deduplicated. */
export function findingCommands(
  snapshot: Snapshot,
  target: AmlDeployment,
  evidence: readonly Evidence[],
): string[] {
  const out: string[] = [];
  for (const ev of evidence) {
    for (const c of commandsFor(snapshot, target, ev)) if (!out.includes(c)) out.push(c);
  }
  return out.slice(0, MAX_COMMANDS);
}
