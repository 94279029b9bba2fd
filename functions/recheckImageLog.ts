/** Queue trigger: re-reads an image build log that was empty or still being written when its event arrived. */
import { app, type InvocationContext } from '@azure/functions';
import { triggerSettings } from '../shared/config/settings.js';
import type { ImageLogBlobEvent } from '../shared/events/types.js';
import { handleImageLogEvent, type ImageLogOutcome } from '../shared/monitor/imageLogs.js';
import type { ImageLogRecheck } from '../shared/monitor/types.js';
import { contextLog, runtimeFor } from './runtime.js';

function parseRecheck(body: unknown): ImageLogRecheck | undefined {
  const v = typeof body === 'string' ? (JSON.parse(body) as unknown) : body;
  if (typeof v !== 'object' || v === null) return undefined;
  const m = v as Partial<ImageLogRecheck>;
  const e = m.event as Partial<ImageLogBlobEvent> | undefined;
  if (m.v !== 1 || typeof m.attempt !== 'number' || e?.kind !== 'imageLog' || typeof e.blobName !== 'string')
    return undefined;
  return m as ImageLogRecheck;
}

export async function recheckImageLog(
  message: unknown,
  context: InvocationContext,
): Promise<ImageLogOutcome | { kind: 'malformed' }> {
  let recheck: ImageLogRecheck | undefined;
  try {
    recheck = parseRecheck(message);
  } catch {
    recheck = undefined;
  }
  if (!recheck) {
    contextLog(context).error('recheckImageLog: message is not an image-log re-read request; dropped');
    return { kind: 'malformed' };
  }
  return handleImageLogEvent(await runtimeFor(context), recheck.event, recheck.attempt);
}

app.storageQueue('recheckImageLog', {
  queueName: triggerSettings(process.env).imageLogRecheckQueue,
  connection: 'AzureWebJobsStorage',
  handler: recheckImageLog,
});
