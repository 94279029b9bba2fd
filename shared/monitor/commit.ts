/**
 * Applies lifecycle decisions to the incidents table with optimistic concurrency. A conflicting write means another
 * instance (a concurrent sweep, a duplicate event) changed the same incident first: reload, decide again, and only
 * the writer that won announces the change. So one problem opens one incident and yields one alert.
 */
import { fingerprintKey, type DeploymentIdentity } from '../incidents/fingerprint.js';
import { decideIncidents, type IncidentChange, type Observation } from '../incidents/lifecycle.js';
import type { IncidentRecord } from '../incidents/types.js';
import type { Row } from '../state/table.js';
import type { MonitorRuntime } from './types.js';

export interface CommittedChanges {
  alerts: IncidentRecord[];
  resolved: IncidentRecord[];
}

const MAX_ATTEMPTS = 5;

function ofDeployment(rows: Row<IncidentRecord>[], id: DeploymentIdentity): Row<IncidentRecord>[] {
  return rows.filter((r) => r.value.namespace === id.namespace && r.value.service === id.service);
}

async function write(rt: MonitorRuntime, change: IncidentChange): Promise<boolean> {
  const { partition, row } = fingerprintKey(change.record.fingerprint);
  const table = rt.state.incidents;
  const result =
    change.etag === undefined
      ? await table.create(partition, row, change.record)
      : await table.replace(partition, row, change.record, change.etag);
  return result.ok;
}

/**
 * Decides and writes the incident changes of one deployment.
 * `archive` is called (at most once) when an alert is about to be written, to attach the evidence bundle.
 * `known` are the cluster's incident rows as the caller already read them (a sweep reads them once for all its
 * deployments); after a conflict they are read again.
 */
export async function commitObservation(
  rt: MonitorRuntime,
  id: DeploymentIdentity,
  obs: Observation,
  archive?: () => Promise<string | undefined>,
  known?: Row<IncidentRecord>[],
): Promise<CommittedChanges> {
  const out: CommittedChanges = { alerts: [], resolved: [] };
  let evidenceUrl: string | undefined;
  let archived = false;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const all = attempt === 1 && known ? known : await rt.state.incidents.list(id.cluster);
    const rows = ofDeployment(all, id);
    const changes = decideIncidents(id, obs, rows, {
      now: rt.clock.now(),
      repeatAfterMs: rt.options.repeatAfterMs,
    });
    if (changes.length === 0) return out;
    if (!archived && archive && changes.some((c) => c.notify === 'alert')) {
      archived = true;
      try {
        evidenceUrl = await archive();
      } catch (err) {
        // The alert matters more than its attachment: send it without the link.
        rt.log.warn(`evidence of ${id.namespace}/${id.service} was not archived: ${(err as Error).message}`);
      }
    }
    let conflict = false;
    for (const change of changes) {
      if (change.notify === 'alert' && evidenceUrl) change.record.evidenceUrl = evidenceUrl;
      const portal = id.workspace ? rt.options.portalUrl?.(id.workspace, id.service) : undefined;
      if (change.notify === 'alert' && portal) change.record.portalUrl = portal;
      // Written together with the decision, cleared once queued: a crash in between leaves a trace to recover from.
      if (change.notify) change.record.outboxPending = rt.clock.now().toISOString();
      else delete change.record.outboxPending;
      if (!(await write(rt, change))) {
        conflict = true;
        break;
      }
      if (change.notify === 'alert') out.alerts.push(change.record);
      if (change.notify === 'resolved') out.resolved.push(change.record);
    }
    if (!conflict) return out;
    rt.log.debug(
      `incident of ${id.namespace}/${id.service} changed concurrently; deciding again (attempt ${attempt})`,
    );
  }
  rt.log.warn(`incident of ${id.namespace}/${id.service}: gave up after ${MAX_ATTEMPTS} conflicting writes`);
  return out;
}
