/**
 * Workspace events: ModelDeployed (v1, success only) and ARM writes on v2 online deployments. They mark a deployment
 * as started/updated (the hang clock restarts), deployed, or failed; the sweep does the diagnosing. Duplicates are
 * skipped by event id, and an event older than what was already applied changes nothing.
 */
import type { WorkspaceEvent } from '../events/types.js';
import { rememberEvent, wasEventSeen } from '../state/store.js';
import type { DeploymentEventRecord } from '../state/types.js';
import type { MonitorRuntime } from './types.js';

export type WorkspaceEventOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored' | 'other-workspace';

export async function handleWorkspaceEvent(
  rt: MonitorRuntime,
  e: WorkspaceEvent,
): Promise<WorkspaceEventOutcome> {
  if (e.kind === 'ignored') {
    rt.log.debug(`event ${e.id} ignored: ${e.reason}`);
    return 'ignored';
  }
  const workspace = e.workspace ?? '';
  if (rt.options.workspaces.length > 0 && !rt.options.workspaces.includes(workspace)) {
    rt.log.debug(`event ${e.id} ignored: workspace "${workspace}" is not configured in WORKSPACES`);
    return 'other-workspace';
  }
  if (await wasEventSeen(rt.state, e.eventType, e.id)) {
    rt.log.debug(`event ${e.id} (${e.eventType}) was handled before; skipped`);
    return 'duplicate';
  }
  const service = e.kind === 'modelDeployed' ? e.service : `${e.endpoint}/${e.deployment}`;
  const status: DeploymentEventRecord['status'] =
    e.kind === 'modelDeployed' ? 'deployed' : e.outcome === 'Success' ? 'started' : 'failed';

  let outcome: WorkspaceEventOutcome = 'applied';
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const current = await rt.state.deploymentEvents.get(workspace, service);
    if (current && current.value.lastEventAt > e.time) {
      rt.log.info(
        `event ${e.id} (${e.eventType}, ${e.time}) is older than the state of ${service} (${current.value.lastEventAt}); not applied`,
      );
      outcome = 'stale';
      break;
    }
    const base: DeploymentEventRecord = current?.value ?? { workspace, service, lastEventAt: e.time, status };
    const next: DeploymentEventRecord = { ...base, lastEventAt: e.time, status };
    if (status === 'started') next.startedAt = e.time;
    if (status === 'deployed') next.deployedAt = e.time;
    if (status === 'failed') next.failedAt = e.time;
    const result = current
      ? await rt.state.deploymentEvents.replace(workspace, service, next, current.etag)
      : await rt.state.deploymentEvents.create(workspace, service, next);
    if (result.ok) {
      rt.log.info(`deployment ${workspace}/${service} marked ${status} by ${e.eventType} at ${e.time}`);
      break;
    }
  }
  await rememberEvent(rt.state, e.eventType, e.id, rt.clock);
  return outcome;
}
