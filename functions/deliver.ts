/**
 * Queue trigger on the outbox: sends one notification on one channel. Throwing on a retryable failure makes the host
 * re-deliver it; after host.json's maxDequeueCount (5) it lands in `<queue>-poison` with its full payload.
 */
import { app, type InvocationContext } from '@azure/functions';
import { triggerSettings } from '../shared/config/settings.js';
import { deliverMessage, type DeliverOutcome } from '../shared/monitor/deliver.js';
import { runtimeFor } from './runtime.js';

export async function deliver(message: unknown, context: InvocationContext): Promise<DeliverOutcome> {
  const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
  return deliverMessage(await runtimeFor(context), message, dequeueCount);
}

app.storageQueue('deliver', {
  queueName: triggerSettings(process.env).outboxQueue,
  connection: 'AzureWebJobsStorage',
  handler: deliver,
});
