/**
 * Delivery under failure: 1,000 alerts through the outbox consumer while 30 % of sends fail (429 with a long
 * Retry-After, 503, timeouts, and some permanent 400s). Every alert must end delivered exactly once, or parked in
 * the poison queue with its full payload; counted and asserted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import type { Notification } from '../../shared/incidents/types.js';
import { HOST_RETRY_DELAY_MS, MAX_DELIVERY_TRIES } from '../../shared/monitor/deliver.js';
import { MemoryOutbox, noRecheck } from '../../shared/monitor/local.js';
import type { MonitorRuntime } from '../../shared/monitor/types.js';
import type { Sender, SendResult } from '../../shared/notify/types.js';
import { memoryState } from '../../shared/state/store.js';
import { SimulatedClock } from '../../shared/time/clock.js';

const ALERTS = Number(process.env.AMLMON_DELIVERY_ALERTS ?? 1000);

function notification(i: number): Notification {
  return {
    id: `alert-${i}`,
    kind: 'alert',
    at: '2026-11-26T10:00:00Z',
    incidents: [],
  } as unknown as Notification;
}

/** Deterministic failures: a seeded stream decides each send; some alerts fail permanently. */
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

function runtime(sender: Sender, outbox: MemoryOutbox): MonitorRuntime {
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
