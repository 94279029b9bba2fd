/**
 * What the Functions host does with a queue trigger, done here because the host does not run on this machine:
 * receive, hand the decoded message and its dequeueCount to the handler, delete on success; on failure make it
 * visible again, and once it has been dequeued `maxDequeueCount` times move it, text unchanged, to `<queue>-poison`.
 */
import type { QueueClient } from '@azure/storage-queue';
import { decodeQueueMessage } from '../shared/monitor/fit.js';

export interface QueueTriggerMetadata {
  id: string;
  dequeueCount: number;
  insertionTime?: string;
  popReceipt: string;
}

export type QueueHandler = (message: unknown, meta: QueueTriggerMetadata) => Promise<unknown>;

export interface DrainOptions {
  /** host.json `extensions.queues.maxDequeueCount` (5). */
  maxDequeueCount: number;
  poisonQueue: QueueClient;
  /** Receive once instead of until empty (for queues whose handler enqueues to the same queue). */
  singlePass?: boolean;
  /** Seconds a failed message stays invisible before the next try (the host's visibilityTimeout; 0 here). */
  retryVisibilitySeconds?: number;
  /** Upper bound on receives, so a bug cannot loop forever. */
  maxReceives?: number;
  onError?: (err: unknown, meta: QueueTriggerMetadata) => void;
}

export interface DrainResult {
  succeeded: number;
  failedAttempts: number;
  poisoned: number;
}

export async function drainQueue(
  queue: QueueClient,
  handler: QueueHandler,
  opts: DrainOptions,
): Promise<DrainResult> {
  const result: DrainResult = { succeeded: 0, failedAttempts: 0, poisoned: 0 };
  await queue.createIfNotExists();
  for (let receives = 0; receives < (opts.maxReceives ?? 1000); receives += 1) {
    const batch = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 30 });
    if (batch.receivedMessageItems.length === 0) break;
    for (const m of batch.receivedMessageItems) {
      const meta: QueueTriggerMetadata = {
        id: m.messageId,
        dequeueCount: m.dequeueCount,
        insertionTime: m.insertedOn.toISOString(),
        popReceipt: m.popReceipt,
      };
      try {
        await handler(decodeQueueMessage(m.messageText), meta);
        await queue.deleteMessage(m.messageId, m.popReceipt);
        result.succeeded += 1;
      } catch (err) {
        result.failedAttempts += 1;
        opts.onError?.(err, meta);
        if (m.dequeueCount >= opts.maxDequeueCount) {
          await opts.poisonQueue.createIfNotExists();
          await opts.poisonQueue.sendMessage(m.messageText);
          await queue.deleteMessage(m.messageId, m.popReceipt);
          result.poisoned += 1;
        } else {
          await queue.updateMessage(m.messageId, m.popReceipt, undefined, opts.retryVisibilitySeconds ?? 0);
        }
      }
    }
    if (opts.singlePass) break;
  }
  return result;
}
