/**
 * The Event Grid handlers with documented payload shapes, against Azurite: duplicates, out-of-order delivery,
 * malformed events, and image build logs (failed, empty, still growing, 200 MB).
 */
import { readFileSync } from 'node:fs';
import type { EventGridEvent } from '@azure/functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onImageLog } from '../../functions/onImageLog.js';
import { onWorkspaceEvent } from '../../functions/onWorkspaceEvent.js';
import { recheckImageLog } from '../../functions/recheckImageLog.js';
import { setRuntime } from '../../functions/runtime.js';
import type { OutboxMessage } from '../../shared/monitor/types.js';
import { drainQueue } from '../../sim/queueHost.js';
import { startAzurite, type AzuriteInstance } from '../../sim/azurite.js';
import { makeHarness, peekAll, type Harness } from './harness.js';

const payload = (name: string): EventGridEvent =>
  JSON.parse(readFileSync(new URL(`./payloads/${name}.json`, import.meta.url), 'utf8')) as EventGridEvent;

const FAILED_BUILD = [
  'Step 8/18 : RUN conda env create -p /azureml-envs/azureml_1 -f azureml-environment-setup/mutated_conda_dependencies.yml',
  'Pip subprocess error:',
  'ERROR: Could not find a version that satisfies the requirement torch==1.9.0+cu111 (from versions: 1.11.0, 2.5.1)',
  'ERROR: No matching distribution found for torch==1.9.0+cu111',
  '',
  'CondaEnvException: Pip failed',
  '',
].join('\n');

let azurite: AzuriteInstance;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  setRuntime(undefined);
  await azurite?.stop();
});

function withHarness(): Harness {
  const h = makeHarness(azurite, {
    senders: new Map([
      [
        'webhook',
        { kind: 'webhook', name: 'test', send: () => Promise.resolve({ ok: true, retryable: false }) },
      ],
    ]),
  });
  setRuntime(h.rt);
  return h;
}

/** A BlobCreated for `ImageLogs/<id>/build.log` with its own id, and the blob written to Azurite first. */
async function blobEvent(
  h: Harness,
  imageId: string,
  content: Buffer | string | null,
  patch: Record<string, unknown> = {},
): Promise<EventGridEvent> {
  const e = payload('blob-created');
  const name = `ImageLogs/${imageId}/build.log`;
  const container = h.blobs.getContainerClient('azureml');
  await container.createIfNotExists();
  if (content !== null) await container.getBlockBlobClient(name).uploadData(Buffer.from(content));
  return {
    ...e,
    id: `${imageId}-event`,
    subject: `/blobServices/default/containers/azureml/blobs/${name}`,
    data: {
      ...e.data,
      url: `https://mywsstorage.blob.core.windows.net/azureml/${name}`,
      contentLength: content === null ? 0 : Buffer.byteLength(content),
      ...patch,
    },
  };
}

describe('onWorkspaceEvent', () => {
  it('marks a deployment deployed from the documented ModelDeployed payload; the same event ×3 is applied once', async () => {
    const h = withHarness();
    const e = payload('model-deployed');
    expect(await onWorkspaceEvent(e, h.context('onWorkspaceEvent'))).toBe('applied');
    const concurrent = await Promise.all([
      onWorkspaceEvent(e, h.context('onWorkspaceEvent')),
      onWorkspaceEvent(e, h.context('onWorkspaceEvent')),
    ]);
    expect(concurrent).toEqual(['duplicate', 'duplicate']);
    const rows = await h.rt.state.deploymentEvents.list();
    expect(rows.map((r) => r.value)).toEqual([
      {
        workspace: 'myws',
        service: 'my-svc',
        status: 'deployed',
        deployedAt: '2026-11-26T10:05:00.958Z',
        lastEventAt: '2026-11-26T10:05:00.958Z',
      },
    ]);
    expect(await h.rt.state.seenEvents.get(e.eventType, e.id)).toBeDefined();
  });

  it('three concurrent first deliveries of one ARM event leave one consistent record', async () => {
    const h = withHarness();
    const e = payload('arm-write-success');
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => onWorkspaceEvent(e, h.context('onWorkspaceEvent'))),
    );
    expect(outcomes.filter((o) => o === 'applied').length).toBeGreaterThanOrEqual(1);
    const rows = await h.rt.state.deploymentEvents.list();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.value).toMatchObject({
      workspace: 'myws',
      service: 'ep1/blue',
      status: 'started',
      startedAt: '2026-11-26T09:50:00.120Z',
    });
  });

  it('an event older than the state (out of order) changes nothing', async () => {
    const h = withHarness();
    const start = payload('arm-write-success'); // 09:50, Success
    const failure = {
      ...start,
      id: 'later-failure',
      eventType: 'Microsoft.Resources.ResourceWriteFailure',
      eventTime: '2026-11-26T09:55:00Z',
    };
    expect(await onWorkspaceEvent(failure, h.context('onWorkspaceEvent'))).toBe('applied');
    expect(await onWorkspaceEvent(start, h.context('onWorkspaceEvent'))).toBe('stale');
    const row = await h.rt.state.deploymentEvents.get('myws', 'ep1/blue');
    expect(row?.value).toMatchObject({
      status: 'failed',
      failedAt: '2026-11-26T09:55:00.000Z',
      lastEventAt: '2026-11-26T09:55:00.000Z',
    });
    expect(row?.value.startedAt).toBeUndefined();
  });

  it.each([
    ['not an object', 'garbage'],
    ['missing fields', { id: 'x', data: {} }],
    ['a bad eventTime', { ...payload('model-deployed'), eventTime: 'not a time' }],
    ['a ModelDeployed naming no service', { ...payload('model-deployed'), subject: 'models/m:1', data: {} }],
  ])('drops a malformed event (%s) with a clear error and does not throw', async (_what, raw) => {
    const h = withHarness();
    await expect(
      onWorkspaceEvent(raw as unknown as EventGridEvent, h.context('onWorkspaceEvent')),
    ).resolves.toBe('malformed');
    expect(h.logs).toEqual([
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining('malformed event dropped'),
      }),
    ]);
    expect(await h.rt.state.deploymentEvents.list()).toEqual([]);
  });

  it('ignores other event types with a debug line', async () => {
    const h = withHarness();
    const run = { ...payload('model-deployed'), eventType: 'Microsoft.MachineLearningServices.RunCompleted' };
    expect(await onWorkspaceEvent(run, h.context('onWorkspaceEvent'))).toBe('ignored');
    expect(h.logs).toEqual([expect.objectContaining({ level: 'debug' })]);
  });
});

describe('onImageLog', () => {
  it('raises one ImageBuildFailure incident and one alert per channel for a failed build, even delivered 3 times at once', async () => {
    const h = withHarness();
    const e = await blobEvent(h, 'img-failed', FAILED_BUILD);
    const outcomes = await Promise.all([1, 2, 3].map(() => onImageLog(e, h.context('onImageLog'))));
    expect(outcomes.filter((o) => o.kind === 'incident' && o.opened)).toHaveLength(1);
    const incidents = await h.rt.state.incidents.list();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.value).toMatchObject({
      code: 'ImageBuildFailure',
      detail: 'PipPackageNotFound',
      service: 'img-failed',
      imageId: 'img-failed',
    });
    const queued = (await peekAll(h.outbox)) as OutboxMessage[];
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      v: 1,
      channel: 'webhook',
      notification: { kind: 'alert', incidents: [{ code: 'ImageBuildFailure' }] },
    });
    // Evidence: the bundle plus the (redacted) log tail, under the URL the incident links to.
    const url = incidents[0]?.value.evidenceUrl ?? '';
    expect(url).toContain(`/${h.evidenceContainer}/image-builds/img-failed/`);
    const names: string[] = [];
    for await (const b of h.blobs.getContainerClient(h.evidenceContainer).listBlobsFlat())
      names.push(b.name.split('/').pop() ?? '');
    expect(names).toEqual(expect.arrayContaining(['build.log', 'meta.json']));
  });

  it('a redelivery after the incident was handled opens nothing new (event id remembered)', async () => {
    const h = withHarness();
    const e = await blobEvent(h, 'img-again', FAILED_BUILD);
    await onImageLog(e, h.context('onImageLog'));
    expect(await onImageLog(e, h.context('onImageLog'))).toEqual({ kind: 'duplicate' });
    expect(await peekAll(h.outbox)).toHaveLength(1);
  });

  it('re-reads a 0-byte log later instead of dropping it, and raises the incident once it has content', async () => {
    const h = withHarness();
    const e = await blobEvent(h, 'img-empty', '');
    expect(await onImageLog(e, h.context('onImageLog'))).toMatchObject({
      kind: 'recheck',
      attempt: 1,
      reason: expect.stringContaining('0 bytes'),
    });
    expect(await h.rt.state.incidents.list()).toEqual([]);
    const queued = await peekAll(h.recheck);
    expect(queued).toEqual([
      expect.objectContaining({ v: 1, attempt: 1, event: expect.objectContaining({ imageId: 'img-empty' }) }),
    ]);
    // The build wrote its log meanwhile; the queue-triggered re-read finds the failure.
    await h.blobs
      .getContainerClient('azureml')
      .getBlockBlobClient('ImageLogs/img-empty/build.log')
      .uploadData(Buffer.from(FAILED_BUILD));
    const outcomes: unknown[] = [];
    await drainQueue(
      h.recheck,
      async (m, meta) =>
        outcomes.push(
          await recheckImageLog(m, h.context('recheckImageLog', { dequeueCount: meta.dequeueCount })),
        ),
      {
        maxDequeueCount: 5,
        poisonQueue: h.recheckPoison,
      },
    );
    expect(outcomes).toEqual([expect.objectContaining({ kind: 'incident', opened: true })]);
    expect(await h.rt.state.incidents.list()).toHaveLength(1);
  });

  it('re-reads an append blob that is still being written, and gives up after IMAGELOG_MAX_RECHECKS', async () => {
    const h = withHarness();
    const container = h.blobs.getContainerClient('azureml');
    await container.createIfNotExists();
    const append = container.getAppendBlobClient('ImageLogs/img-growing/build.log');
    await append.create();
    const partial =
      'Step 1/18 : FROM mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04\nStep 2/18 : USER root\n';
    await append.appendBlock(partial, partial.length);
    const e = await blobEvent(h, 'img-growing', null, { blobType: 'AppendBlob', contentLength: 0 });
    expect(await onImageLog(e, h.context('onImageLog'))).toMatchObject({
      kind: 'recheck',
      reason: expect.stringContaining('append blob'),
    });
    let last: unknown;
    for (let i = 0; i < 5; i += 1) {
      await drainQueue(
        h.recheck,
        async (m) => (last = await recheckImageLog(m, h.context('recheckImageLog'))),
        { maxDequeueCount: 5, poisonQueue: h.recheckPoison },
      );
    }
    expect(last).toMatchObject({ kind: 'gave-up' });
    expect(h.logs.some((l) => l.level === 'warning' && l.message.includes('gave up after 3 re-reads'))).toBe(
      true,
    );
  });

  it('reads only the last 4 MiB of a 200 MB log (staged blocks, never in memory here) and still finds the failure', async () => {
    const h = withHarness();
    const container = h.blobs.getContainerClient('azureml');
    await container.createIfNotExists();
    const blob = container.getBlockBlobClient('ImageLogs/img-huge/build.log');
    const line =
      'Collecting package metadata (repodata.json): ...working... still solving the environment, please wait\n';
    const filler = Buffer.from(line.repeat(Math.ceil((4 * 1024 * 1024) / line.length)));
    const ids: string[] = [];
    let total = 0;
    for (let i = 0; total + filler.length <= 200 * 1024 * 1024; i += 1) {
      const id = Buffer.from(`block-${String(i).padStart(6, '0')}`).toString('base64');
      await blob.stageBlock(id, filler, filler.length);
      ids.push(id);
      total += filler.length;
    }
    const tail = Buffer.from(FAILED_BUILD);
    const tailId = Buffer.from('block-999999').toString('base64');
    await blob.stageBlock(tailId, tail, tail.length);
    await blob.commitBlockList([...ids, tailId]);
    total += tail.length;
    expect(total).toBeGreaterThan(195 * 1024 * 1024);

    const e = await blobEvent(h, 'img-huge', null, { contentLength: total });
    expect(await onImageLog(e, h.context('onImageLog'))).toMatchObject({
      kind: 'incident',
      opened: true,
      classification: { detail: 'PipPackageNotFound' },
    });
    expect(h.tails).toHaveLength(1);
    expect(h.tails[0]?.totalLength).toBe(total);
    expect(h.tails[0]?.bytesRead).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it.each([
    ['missing data.url', (e: EventGridEvent) => ({ ...e, data: { ...e.data, url: undefined } })],
    ['a negative contentLength', (e: EventGridEvent) => ({ ...e, data: { ...e.data, contentLength: -5 } })],
    ['no eventTime', (e: EventGridEvent) => ({ ...e, eventTime: undefined })],
  ])('drops a malformed BlobCreated (%s) with a clear error and does not throw', async (_what, broken) => {
    const h = withHarness();
    const e = broken(payload('blob-created')) as EventGridEvent;
    await expect(onImageLog(e, h.context('onImageLog'))).resolves.toEqual({ kind: 'malformed' });
    expect(h.logs.some((l) => l.level === 'error' && l.message.includes('malformed event dropped'))).toBe(
      true,
    );
  });

  it('a succeeded rebuild of the same image resolves the build incident; a late failure event then does not reopen it', async () => {
    const h = withHarness();
    const failedEvent = await blobEvent(h, 'img-rebuilt', FAILED_BUILD);
    await onImageLog(failedEvent, h.context('onImageLog'));
    h.clock.advance(600_000);
    const ok =
      'Step 18/18 : CMD ["runsvdir","/var/runit"]\nSuccessfully built 3e4f5a6b7c8d\nSuccessfully tagged demoacr.azurecr.io/azureml/azureml_1:latest\n2026/11/26 10:09:00 Successfully pushed image: demoacr.azurecr.io/azureml/azureml_1:latest\n';
    const okEvent = {
      ...(await blobEvent(h, 'img-rebuilt', ok)),
      id: 'rebuild-ok',
      eventTime: '2026-11-26T10:09:00Z',
    };
    const outcome = await onImageLog(okEvent, h.context('onImageLog'));
    expect(outcome.kind).toBe('succeeded');
    const rows = await h.rt.state.incidents.list();
    expect(rows[0]?.value.resolvedAt).toBe('2026-11-26T10:10:00.000Z');
    // A failure event from before the resolution, delivered late (new id, older eventTime), does not reopen.
    const late = {
      ...(await blobEvent(h, 'img-rebuilt', FAILED_BUILD, { eTag: '"0x8DLATE"' })),
      id: 'late-failure',
      eventTime: '2026-11-26T09:59:00Z',
    };
    expect(await onImageLog(late, h.context('onImageLog'))).toMatchObject({
      kind: 'incident',
      opened: false,
    });
    expect((await h.rt.state.incidents.list())[0]?.value.resolvedAt).toBe('2026-11-26T10:10:00.000Z');
    const kinds = ((await peekAll(h.outbox)) as OutboxMessage[]).map((m) => m.notification.kind);
    expect(kinds).toEqual(['alert', 'resolved']);
  });
});
