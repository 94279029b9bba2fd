/** The monitor's durable state: the tables and the few operations on them that more than one handler needs. */
import type { IncidentRecord } from '../incidents/types.js';
import type { Clock } from '../time/clock.js';
import { MemoryTable } from './memoryTable.js';
import type { VersionedTable } from './table.js';
import type {
  DeploymentEventRecord,
  DeploymentRecord,
  SeenEventRecord,
  SentRecord,
  SweepRecord,
} from './types.js';
import type { ActionUseRecord, SilenceRecord } from '../silences/types.js';

export interface MonitorState {
  /** partition = cluster, row = `<namespace>/<service>`. */
  deployments: VersionedTable<DeploymentRecord>;
  /** partition = workspace, row = service. */
  deploymentEvents: VersionedTable<DeploymentEventRecord>;
  /** partition = cluster, row = `<namespace>/<service>/<code>/<detail>` (the fingerprint without the cluster). */
  incidents: VersionedTable<IncidentRecord>;
  /** partition = event type, row = event id. */
  seenEvents: VersionedTable<SeenEventRecord>;
  /** partition = notification id, row = channel. */
  sent: VersionedTable<SentRecord>;
  /** partition = `sweep`, row = cluster. Optional so hand-built states (tests) need not have it. */
  sweeps?: VersionedTable<SweepRecord>;
  /** partition = `silence`, row = silence id. Silences and mutes (a mute is a silence of one service). */
  silences?: VersionedTable<SilenceRecord>;
  /** partition = `nonce`, row = the nonce of a used action link (single use). */
  actionUses?: VersionedTable<ActionUseRecord>;
}

/** Table names in Azure Table storage (alphanumeric, 3–63 characters). */
export const TABLE_NAMES = {
  deployments: 'amlmonDeployments',
  deploymentEvents: 'amlmonDeploymentEvents',
  incidents: 'amlmonIncidents',
  seenEvents: 'amlmonSeenEvents',
  sent: 'amlmonSent',
  sweeps: 'amlmonSweeps',
  silences: 'amlmonSilences',
  actionUses: 'amlmonActionUses',
} as const satisfies Record<keyof MonitorState, string>;

export function memoryState(): MonitorState {
  return {
    deployments: new MemoryTable(),
    deploymentEvents: new MemoryTable(),
    incidents: new MemoryTable(),
    seenEvents: new MemoryTable(),
    sent: new MemoryTable(),
    sweeps: new MemoryTable(),
    silences: new MemoryTable(),
    actionUses: new MemoryTable(),
  };
}

export function deploymentRow(namespace: string, service: string): string {
  return `${namespace}/${service}`;
}

/** True when the event id was seen before. */
export async function wasEventSeen(state: MonitorState, eventType: string, id: string): Promise<boolean> {
  return (await state.seenEvents.get(eventType, id)) !== undefined;
}

/** Remembers an event id after it was handled (a conflict means a concurrent delivery handled it too: fine). */
export async function rememberEvent(
  state: MonitorState,
  eventType: string,
  id: string,
  clock: Clock,
): Promise<void> {
  await state.seenEvents.create(eventType, id, { eventType, seenAt: clock.now().toISOString() });
}

/** Records the latest sweep of a cluster (last writer wins; a lost race means a concurrent sweep recorded it). */
export async function recordSweep(state: MonitorState, record: SweepRecord): Promise<void> {
  if (!state.sweeps) return;
  const current = await state.sweeps.get('sweep', record.cluster);
  if (current && current.value.at > record.at) return;
  if (current) await state.sweeps.replace('sweep', record.cluster, record, current.etag);
  else await state.sweeps.create('sweep', record.cluster, record);
}

/** The digest's view of the latest sweeps: when the last one finished and which clusters answered. */
export function lastSweepFromState(
  state: MonitorState,
  clusters: string[],
): () => Promise<{ at?: string; clustersReachable: string[]; clustersUnreachable: string[] }> {
  return async () => {
    const rows = state.sweeps ? (await state.sweeps.list('sweep')).map((r) => r.value) : [];
    const latest = rows
      .map((r) => r.at)
      .sort()
      .at(-1);
    const reachable = rows.filter((r) => r.reachable).map((r) => r.cluster);
    const unreachable = [
      ...rows.filter((r) => !r.reachable).map((r) => r.cluster),
      ...clusters.filter((c) => !rows.some((r) => r.cluster === c)),
    ];
    return {
      ...(latest ? { at: latest } : {}),
      clustersReachable: reachable,
      clustersUnreachable: unreachable,
    };
  };
}
