/** Event Grid trigger on the Azure ML workspace (and resource group) system topic: deployment started/updated/deployed. */
import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import { parseWorkspaceEvent } from '../shared/events/parse.js';
import { handleWorkspaceEvent, type WorkspaceEventOutcome } from '../shared/monitor/workspaceEvents.js';
import { contextLog, eventClockNow, runtimeFor } from './runtime.js';

export async function onWorkspaceEvent(
  event: EventGridEvent,
  context: InvocationContext,
): Promise<WorkspaceEventOutcome | 'malformed'> {
  const parsed = parseWorkspaceEvent(event, { now: eventClockNow() });
  if (!parsed.ok) {
    // Returning (not throwing): a malformed event would otherwise be retried by Event Grid for 24 hours.
    contextLog(context).error(`onWorkspaceEvent: malformed event dropped: ${parsed.error}`);
    return 'malformed';
  }
  if (parsed.value.kind === 'ignored') {
    contextLog(context).debug(`onWorkspaceEvent: ${parsed.value.reason}`);
    return 'ignored';
  }
  // Storage errors propagate: Event Grid retries the delivery, and the event id makes the retry harmless.
  return handleWorkspaceEvent(await runtimeFor(context), parsed.value);
}

app.eventGrid('onWorkspaceEvent', { handler: onWorkspaceEvent });
