/**
 * Delivery under failure: 1,000 alerts through the outbox consumer while 30 % of sends fail (429 with a long
 * Retry-After, 503, timeouts, and some permanent 400s). Every alert must end delivered exactly once, or parked in
 * the poison queue with its full payload; counted and asserted. Twice: with the in-memory outbox (several seeds),
 * and through the real Azure Storage Queue outbox (`queueOutbox`) on Azurite, drained the way the Functions host
 * drains a queue trigger (sim/queueHost.ts: dequeueCount, maxDequeueCount 5, `<queue>-poison`).
 */
import type { QueueClient, QueueSendMessageOptions } from '@azure/storage-queue';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import type { Notification } from '../../shared/incidents/types.js';
import { queueClient, queueOutbox } from '../../shared/monitor/azureAdapters.js';
import { deliverMessage, HOST_RETRY_DELAY_MS, MAX_DELIVERY_TRIES } from '../../shared/monitor/deliver.js';
import { decodeQueueMessage } from '../../shared/monitor/fit.js';
import { MemoryOutbox, noRecheck } from '../../shared/monitor/local.js';
import type { MonitorRuntime, Outbox, OutboxMessage } from '../../shared/monitor/types.js';
import type { Sender, SendResult } from '../../shared/notify/types.js';
import { memoryState } from '../../shared/state/store.js';
import { SimulatedClock } from '../../shared/time/clock.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import { drainQueue } from '../../sim/queueHost.js';

const ALERTS = Number(process.env.AMLMON_DELIVERY_ALERTS ?? 1000);
/** Through Azurite: the same 1,000 by default (see docs/RELIABILITY.md for its run time). */
const QUEUE_ALERTS = Number(process.env.AMLMON_DELIVERY_QUEUE_ALERTS ?? 1000);

function notification(i: number): Notification {
  return {
    id: `alert-${i}`,
    kind: 'alert',
    at: '2026-11-26T10:00:00Z',
    incidents: [],
  } as unknown as Notification;
}

/**
 * Deterministic failures: a seeded stream decides each send (30 % fail); every 97th alert is refused for good and
 * every 331st (from the 7th) never gets an answer.
 */
function flakySender(seed: number, delivered: Map<string, number>, delays: number[]): Sender {
  let x = seed >>> 0 || 1;
  const next = () => ((x = (x * 1103515245 + 12345) >>> 0) % 1000) / 1000;
  return {
    kind: 'webhook',
    name: 'flaky',
    send(n: Notification): Promise<SendResult> {
      const r = next();
      if (Number(n.id.slice(6)) % 97 === 0)
        return Promise.resolve({ ok: false, retryable: false, status: 400, error: 'HTTP 400' });
      // A few never get an answer: retried until the tries run out, then poisoned.
      if (Number(n.id.slice(6)) % 331 === 7)
        return Promise.resolve({ ok: false, retryable: true, error: 'no answer within 30000 ms' });
      if (r < 0.1) {
        delays.push(120_000);
        return Promise.resolve({
          ok: false,
          retryable: true,
          status: 429,
          retryAfterMs: 120_000,
          error: 'HTTP 429',
        });
      }
      if (r < 0.2) return Promise.resolve({ ok: false, retryable: true, status: 503, error: 'HTTP 503' });
      if (r < 0.3) return Promise.resolve({ ok: false, retryable: true, error: 'no answer within 30000 ms' });
      delivered.set(n.id, (delivered.get(n.id) ?? 0) + 1);
      return Promise.resolve({ ok: true, retryable: false, status: 202 });
    },
  };
}

function runtime(sender: Sender, outbox: Outbox): MonitorRuntime {
  return {
    clock: new SimulatedClock('2026-11-26T10:00:00Z'),
    state: memoryState(),
    clusters: [],
    outbox,
    recheck: noRecheck,
    imageLogs: { readTail: () => Promise.reject(new Error('unused')) },
    evidence: { archive: () => Promise.reject(new Error('unused')) },
    senders: new Map([['hook', sender]]),
    diagnose: diagnoseSnapshot,
    options: {
      hangAfterMs: 600_000,
      repeatAfterMs: 14_400_000,
      groupOver: 3,
      imageLogRecheckDelayMs: 0,
      imageLogMaxRechecks: 0,
      imageLogTailBytes: 0,
      workspaces: [],
    },
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  };
}

describe(`delivery under failure: ${ALERTS} alerts, 30 % of sends failing`, () => {
  it('each alert is delivered exactly once or poisoned with its payload', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 }), async (seed) => {
        const delivered = new Map<string, number>();
        const delays: number[] = [];
        const outbox = new MemoryOutbox(MAX_DELIVERY_TRIES);
        const rt = runtime(flakySender(seed, delivered, delays), outbox);
        for (let i = 0; i < ALERTS; i++)
          await outbox.enqueue({ v: 1, channel: 'hook', notification: notification(i) });
        for (let round = 0; round < 4 * MAX_DELIVERY_TRIES && outbox.pending.length > 0; round++)
          await outbox.drain(rt);
        expect(outbox.pending).toHaveLength(0);
        const poisoned = new Map(outbox.poisoned.map((p) => [p.message.notification.id, p]));
        for (let i = 0; i < ALERTS; i++) {
          const id = `alert-${i}`;
          const sent = delivered.get(id) ?? 0;
          expect(sent + (poisoned.has(id) ? 1 : 0), id).toBe(1);
          if (poisoned.has(id)) {
            expect(poisoned.get(id)!.message.notification).toEqual(notification(i));
            expect(poisoned.get(id)!.reason.length).toBeGreaterThan(5);
          }
        }
        expect(delays.every((d) => d > HOST_RETRY_DELAY_MS)).toBe(true);
      }),
      { numRuns: Number(process.env.AMLMON_DELIVERY_RUNS ?? 3) },
    );
  });
});

/**
 * The outbox's queue, recording each message sent with a visibility timeout (a Retry-After re-queue) so the test can
 * let that time pass: Azurite keeps it invisible for real seconds, and waiting 120 s per round is not a unit test.
 */
function recordingQueue(
  queue: QueueClient,
  deferred: Array<{ messageId: string; popReceipt: string; seconds: number }>,
): QueueClient {
  return new Proxy(queue, {
    get(target, prop) {
      if (prop === 'sendMessage')
        return async (text: string, options?: QueueSendMessageOptions) => {
          const r = await target.sendMessage(text, options);
          if (options?.visibilityTimeout)
            deferred.push({
              messageId: r.messageId,
              popReceipt: r.popReceipt,
              seconds: options.visibilityTimeout,
            });
          return r;
        };
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

async function receiveAll(queue: QueueClient): Promise<string[]> {
  const out: string[] = [];
  for (;;) {
    const batch = await queue.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 300 });
    if (batch.receivedMessageItems.length === 0) return out;
    for (const m of batch.receivedMessageItems) {
      out.push(m.messageText);
      await queue.deleteMessage(m.messageId, m.popReceipt);
    }
  }
}

describe(`delivery under failure through the Azure Storage Queue outbox on Azurite: ${QUEUE_ALERTS} alerts`, () => {
  let azurite: AzuriteInstance | undefined;
  beforeAll(async () => {
    azurite = await startAzurite();
  }, 60_000);
  afterAll(async () => {
    await azurite?.stop();
  });

  it('each alert is delivered exactly once or parked in <queue>-poison with its payload', async () => {
    const access = { connectionString: azurite!.connectionString };
    const queue = queueClient(access, 'amlmon-outbox');
    const poisonQueue = queueClient(access, 'amlmon-outbox-poison');
    const deferred: Array<{ messageId: string; popReceipt: string; seconds: number }> = [];
    const outbox = queueOutbox(recordingQueue(queue, deferred), poisonQueue);
    const delivered = new Map<string, number>();
    const delays: number[] = [];
    const rt = runtime(flakySender(20261126, delivered, delays), outbox);
    const started = Date.now();
    for (let i = 0; i < QUEUE_ALERTS; i++)
      await outbox.enqueue({ v: 1, channel: 'hook', notification: notification(i) });
    const totals = { succeeded: 0, failedAttempts: 0, hostPoisoned: 0, retryAfterWaits: 0 };
    for (let round = 0; round < 2 * MAX_DELIVERY_TRIES; round++) {
      const r = await drainQueue(queue, (m, meta) => deliverMessage(rt, m, meta.dequeueCount), {
        maxDequeueCount: MAX_DELIVERY_TRIES,
        poisonQueue,
        maxReceives: 10_000,
      });
      totals.succeeded += r.succeeded;
      totals.failedAttempts += r.failedAttempts;
      totals.hostPoisoned += r.poisoned;
      if (deferred.length === 0) break;
      // What is left waits out a Retry-After: in the queue, invisible (nothing to receive), for the time asked.
      const props = await queue.getProperties();
      expect(props.approximateMessagesCount).toBe(deferred.length);
      expect((await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems).toHaveLength(0);
      expect(deferred.every((d) => d.seconds === 120)).toBe(true);
      // The 120 s pass: each re-queued message becomes visible, as it would by itself.
      totals.retryAfterWaits += deferred.length;
      for (const d of deferred.splice(0)) await queue.updateMessage(d.messageId, d.popReceipt, undefined, 0);
    }
    expect((await queue.getProperties()).approximateMessagesCount).toBe(0);

    const poisoned = new Map<string, OutboxMessage & { poisonReason?: string }>();
    for (const text of await receiveAll(poisonQueue)) {
      const m = decodeQueueMessage(text) as OutboxMessage & { poisonReason?: string };
      expect(poisoned.has(m.notification.id), `${m.notification.id} poisoned twice`).toBe(false);
      poisoned.set(m.notification.id, m);
    }
    for (let i = 0; i < QUEUE_ALERTS; i++) {
      const id = `alert-${i}`;
      const sent = delivered.get(id) ?? 0;
      expect(sent + (poisoned.has(id) ? 1 : 0), id).toBe(1);
      const p = poisoned.get(id);
      if (p) {
        expect(p.notification).toEqual(notification(i));
        expect(p.channel).toBe('hook');
        // Refused for good: poisoned at once by the consumer, saying why (the host moves the others unchanged).
        if (i % 97 === 0) expect(p.poisonReason).toBe('HTTP 400');
      }
    }
    for (let i = 0; i < QUEUE_ALERTS; i += 97) expect(poisoned.has(`alert-${i}`)).toBe(true);
    // Never answered: the host moved them, text unchanged, after its fifth dequeue.
    for (let i = 7; i < QUEUE_ALERTS; i += 331) {
      expect(poisoned.get(`alert-${i}`)).toBeDefined();
      expect(poisoned.get(`alert-${i}`)?.poisonReason).toBeUndefined();
    }
    expect(totals.hostPoisoned).toBeGreaterThanOrEqual(Math.ceil((QUEUE_ALERTS - 7) / 331));
    expect(delays.every((d) => d > HOST_RETRY_DELAY_MS)).toBe(true);
    expect(totals.retryAfterWaits).toBeGreaterThan(0);
    expect(delivered.size + poisoned.size).toBe(QUEUE_ALERTS);
    // The figures docs/RELIABILITY.md quotes.
    console.info(
      `azurite outbox: ${QUEUE_ALERTS} alerts, ${delivered.size} delivered once, ${poisoned.size} poisoned ` +
        `(${totals.hostPoisoned} by the host after ${MAX_DELIVERY_TRIES} tries), ${totals.failedAttempts} failed tries retried by the host, ` +
        `${totals.retryAfterWaits} Retry-After re-queues, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }, 600_000);
});
