/**
 * The outbox consumer with the host's queue behaviour reproduced (sim/queueHost.ts): retries by dequeue count,
 * the poison queue after 5 tries with the full payload, idempotent re-delivery. Sent over real HTTP to a loopback sink
 * through delivery's webhook sender.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../../functions/deliver.js';
import { setRuntime } from '../../functions/runtime.js';
import type { Diagnosis } from '../../shared/diagnosis/types.js';
import type { IncidentRecord, Notification } from '../../shared/incidents/types.js';
import { encodeQueueMessage } from '../../shared/monitor/fit.js';
import type { OutboxMessage } from '../../shared/monitor/types.js';
import { createSender } from '../../shared/notify/index.js';
import { drainQueue } from '../../sim/queueHost.js';
import { startHttpSink, type HttpSink } from '../../sim/standins/httpSink.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import { makeHarness, peekAll, type Harness } from './harness.js';

let azurite: AzuriteInstance;
let sink: HttpSink;
beforeAll(async () => {
  azurite = await startAzurite();
  sink = await startHttpSink();
});
afterAll(async () => {
  setRuntime(undefined);
  await sink?.close();
  await azurite?.stop();
});

const diagnosis: Diagnosis = {
  service: 'my-svc',
  namespace: 'azureml-myws',
  status: 'Failed',
  findings: [
    {
      code: 'OutOfMemory',
      detail: null,
      severity: 'critical',
      title: 'The scoring container ran out of memory',
      explanation: 'OOMKilled twice.',
      evidence: [{ source: 'pod/p/container/c', text: 'OOMKilled' }],
      remedy: ['Raise the memory limit'],
      docs: [],
    },
  ],
  gaps: [],
};
const incident: IncidentRecord = {
  fingerprint: 'aks1|azureml-myws/my-svc/OutOfMemory/-',
  cluster: 'aks1',
  namespace: 'azureml-myws',
  service: 'my-svc',
  code: 'OutOfMemory',
  detail: null,
  status: 'Failed',
  openedAt: '2026-11-26T10:00:00.000Z',
  lastNotifiedAt: '2026-11-26T10:00:00.000Z',
  diagnosis,
};
const notification = (id: string): Notification => ({
  id,
  kind: 'alert',
  at: '2026-11-26T10:00:00.000Z',
  cluster: 'aks1',
  incidents: [incident],
});

function harness(): Harness {
  const h = makeHarness(azurite, {
    senders: new Map([
      [
        'webhook',
        createSender({
          kind: 'webhook',
          name: 'test',
          url: `${sink.url}/hook`,
          throttle: [],
          timeoutMs: 5_000,
        }),
      ],
    ]),
  });
  setRuntime(h.rt);
  return h;
}

async function runHost(h: Harness) {
  const tries: number[] = [];
  const errors: string[] = [];
  const result = await drainQueue(
    h.outbox,
    async (m, meta) => {
      tries.push(meta.dequeueCount);
      return deliver(m, h.context('deliver', { dequeueCount: meta.dequeueCount, id: meta.id }));
    },
    { maxDequeueCount: 5, poisonQueue: h.poison, onError: (err) => errors.push((err as Error).message) },
  );
  return { ...result, tries, errors };
}

describe('deliver', () => {
  it('sends a queued notification once on its channel', async () => {
    const h = harness();
    const before = sink.requests.length;
    await h.rt.outbox.enqueue({ v: 1, channel: 'webhook', notification: notification('n-ok') });
    const r = await runHost(h);
    expect(r).toMatchObject({ succeeded: 1, poisoned: 0, tries: [1] });
    expect(sink.requests.slice(before)).toEqual([
      expect.objectContaining({ path: '/hook', body: expect.objectContaining({ kind: 'alert' }) }),
    ]);
    expect((await h.rt.state.sent.get('n-ok', 'webhook'))?.value.outcome).toBe('sent');
  });

  it('a duplicate queue message (at-least-once) is not sent twice', async () => {
    const h = harness();
    const before = sink.requests.length;
    const m: OutboxMessage = { v: 1, channel: 'webhook', notification: notification('n-dup') };
    await h.rt.outbox.enqueue(m);
    await h.rt.outbox.enqueue(m);
    const r = await runHost(h);
    expect(r.succeeded).toBe(2);
    expect(sink.requests.length - before).toBe(1);
    expect(h.logs.some((l) => l.message.includes('already sent'))).toBe(true);
  });

  it('a channel that keeps failing (503) is retried by dequeue count and lands in the poison queue after 5 tries, payload intact', async () => {
    const h = harness();
    sink.failNext(100, 503);
    const m: OutboxMessage = { v: 1, channel: 'webhook', notification: notification('n-down') };
    await h.rt.outbox.enqueue(m);
    const r = await runHost(h);
    sink.failNext(0, 503);
    expect(r).toMatchObject({ succeeded: 0, failedAttempts: 5, poisoned: 1, tries: [1, 2, 3, 4, 5] });
    expect(await peekAll(h.outbox)).toEqual([]);
    expect(await peekAll(h.poison)).toEqual([m]);
    expect(await h.rt.state.sent.get('n-down', 'webhook')).toBeUndefined();
  });

  it('a channel that recovers on the third try sends once', async () => {
    const h = harness();
    const before = sink.requests.length;
    sink.failNext(2, 503);
    await h.rt.outbox.enqueue({ v: 1, channel: 'webhook', notification: notification('n-flaky') });
    const r = await runHost(h);
    expect(r).toMatchObject({ succeeded: 1, failedAttempts: 2, poisoned: 0, tries: [1, 2, 3] });
    expect(sink.requests.length - before).toBe(1);
  });

  it('a permanent failure (400) goes to the poison queue at once, with the reason', async () => {
    const h = harness();
    sink.failNext(1, 400);
    await h.rt.outbox.enqueue({ v: 1, channel: 'webhook', notification: notification('n-bad') });
    const r = await runHost(h);
    expect(r).toMatchObject({ succeeded: 1, poisoned: 0, tries: [1] });
    expect(await peekAll(h.poison)).toEqual([
      expect.objectContaining({ channel: 'webhook', poisonReason: expect.stringContaining('400') }),
    ]);
    expect((await h.rt.state.sent.get('n-bad', 'webhook'))?.value.outcome).toBe('failed');
  });

  it('an unreadable message fails with a clear error and ends in the poison queue unchanged', async () => {
    const h = harness();
    await h.outbox.createIfNotExists();
    await h.outbox.sendMessage(encodeQueueMessage({ hello: 'world' }));
    const r = await runHost(h);
    expect(r).toMatchObject({ poisoned: 1, tries: [1, 2, 3, 4, 5] });
    expect(await peekAll(h.poison)).toEqual([{ hello: 'world' }]);
    expect(r.errors[0]).toBe(
      'outbox message version undefined is not 1; the message will land in the poison queue',
    );
  });
});
