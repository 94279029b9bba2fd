/**
 * Event Grid trigger on `Microsoft.Storage.BlobCreated` under `azureml/ImageLogs/` of the workspace storage account
 * (an Event Grid trigger, not a blob trigger: Flex Consumption needs Event Grid, and this needs only Blob Data Reader).
 */
import { app, type EventGridEvent, type InvocationContext } from '@azure/functions';
import { parseImageLogEvent } from '../shared/events/parse.js';
import { handleImageLogEvent, type ImageLogOutcome } from '../shared/monitor/imageLogs.js';
import { contextLog, eventClockNow, runtimeFor } from './runtime.js';

export async function onImageLog(
  event: EventGridEvent,
  context: InvocationContext,
): Promise<ImageLogOutcome | { kind: 'malformed' | 'ignored' }> {
  const parsed = parseImageLogEvent(event, { now: eventClockNow() });
  if (!parsed.ok) {
    contextLog(context).error(`onImageLog: malformed event dropped: ${parsed.error}`);
    return { kind: 'malformed' };
  }
  if (parsed.value.kind === 'ignored') {
    contextLog(context).debug(`onImageLog: ${parsed.value.reason}`);
    return { kind: 'ignored' };
  }
  return handleImageLogEvent(await runtimeFor(context), parsed.value);
}

app.eventGrid('onImageLog', { handler: onImageLog });
