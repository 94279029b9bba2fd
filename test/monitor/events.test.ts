import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseImageLogEvent, parseWorkspaceEvent } from '../../shared/events/parse.js';

const payload = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../functions/payloads/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;

describe('parseWorkspaceEvent', () => {
  it('reads the documented PascalCase ModelDeployed payload', () => {
    const r = parseWorkspaceEvent(payload('model-deployed'));
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        kind: 'modelDeployed',
        service: 'my-svc',
        workspace: 'myws',
        computeType: 'AKS',
        modelIds: ['sklearn_regression_model:1', 'sklearn_regression_model:2'],
        time: '2026-11-26T10:05:00.958Z',
      }),
    });
  });

  it('reads the camelCase variant that @azure/eventgrid types describe', () => {
    const r = parseWorkspaceEvent(payload('model-deployed-camel'));
    expect(r.ok && r.value.kind === 'modelDeployed' && [r.value.service, r.value.modelIds]).toEqual([
      'my-svc',
      ['m:3'],
    ]);
  });

  it('falls back to the endpoints/<name> subject when data names no service', () => {
    const e = { ...payload('model-deployed'), data: {} };
    const r = parseWorkspaceEvent(e);
    expect(r.ok && r.value.kind === 'modelDeployed' && r.value.service).toBe('my-svc');
  });

  it('reads an ARM write on an online deployment as endpoint/deployment of the workspace', () => {
    const r = parseWorkspaceEvent(payload('arm-write-success'));
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        kind: 'armDeploymentWrite',
        outcome: 'Success',
        workspace: 'myws',
        endpoint: 'ep1',
        deployment: 'blue',
        status: 'Succeeded',
      }),
    });
    const failed = parseWorkspaceEvent({
      ...payload('arm-write-success'),
      eventType: 'Microsoft.Resources.ResourceWriteFailure',
    });
    expect(failed.ok && failed.value.kind === 'armDeploymentWrite' && failed.value.outcome).toBe('Failure');
  });

  it('ignores ARM writes on other resources and other event types, saying why', () => {
    const arm = payload('arm-write-success');
    const other = parseWorkspaceEvent({
      ...arm,
      data: {
        ...(arm.data as object),
        resourceUri: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x',
      },
    });
    expect(other).toEqual({
      ok: true,
      value: expect.objectContaining({
        kind: 'ignored',
        reason: expect.stringContaining('not an online deployment'),
      }),
    });
    const run = parseWorkspaceEvent({
      ...payload('model-deployed'),
      eventType: 'Microsoft.MachineLearningServices.RunCompleted',
    });
    expect(run).toEqual({
      ok: true,
      value: expect.objectContaining({ kind: 'ignored', reason: expect.stringContaining('RunCompleted') }),
    });
  });

  it.each([
    ['a string', 'hello', 'not a JSON object (got string)'],
    ['null', null, 'not a JSON object (got null)'],
    ['an array', [1], 'not a JSON object (got an array)'],
    [
      'no id',
      { eventType: 'x', subject: 's', eventTime: '2026-11-26T10:00:00Z' },
      'missing required field(s) id',
    ],
    [
      'a CloudEvent',
      { specversion: '1.0', type: 'x', source: 's', id: '1', time: '2026-11-26T10:00:00Z' },
      'EventGridSchema',
    ],
    ['a bad time', { id: '1', eventType: 'x', subject: 's', eventTime: 'yesterday' }, 'not an RFC 3339 time'],
    [
      'data not an object',
      { id: '1', eventType: 'x', subject: 's', eventTime: '2026-11-26T10:00:00Z', data: 'x' },
      'data is not a JSON object',
    ],
  ])('turns %s into a clear error instead of throwing', (_what, raw, message) => {
    const r = parseWorkspaceEvent(raw);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(message);
  });

  it('rejects a ModelDeployed that names no service at all', () => {
    const r = parseWorkspaceEvent({ ...payload('model-deployed'), subject: 'models/x:1', data: {} });
    expect(!r.ok && r.error).toContain('without data.ServiceName');
  });
});

describe('parseImageLogEvent', () => {
  it('reads the documented BlobCreated payload for an ImageLogs blob', () => {
    const r = parseImageLogEvent(payload('blob-created'));
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        kind: 'imageLog',
        container: 'azureml',
        blobName: 'ImageLogs/0f3c9a2e-1b4d-4e6f-8a0b-2c4d6e8f0a1b/build.log',
        imageId: '0f3c9a2e-1b4d-4e6f-8a0b-2c4d6e8f0a1b',
        contentLength: 524288,
        blobType: 'BlockBlob',
        eTag: '"0x8D4BCC2E4835CD0"',
      }),
    });
  });

  it('ignores blobs outside azureml/ImageLogs/ and other event types', () => {
    const elsewhere = parseImageLogEvent({
      ...payload('blob-created'),
      subject: '/blobServices/default/containers/azureml/blobs/ExperimentRun/x.txt',
    });
    expect(elsewhere.ok && elsewhere.value.kind).toBe('ignored');
    const deleted = parseImageLogEvent({
      ...payload('blob-created'),
      eventType: 'Microsoft.Storage.BlobDeleted',
    });
    expect(deleted.ok && deleted.value.kind).toBe('ignored');
  });

  it.each([
    ['no url', { url: undefined }, 'without data.url'],
    ['a bad url', { url: 'not a url' }, 'is not a URL'],
    ['a negative length', { contentLength: -1 }, 'is not a byte count'],
    ['a string length', { contentLength: '12' }, 'is not a byte count'],
  ])('rejects a BlobCreated with %s', (_what, patch, message) => {
    const e = payload('blob-created');
    const r = parseImageLogEvent({ ...e, data: { ...(e.data as object), ...patch } });
    expect(!r.ok && r.error).toContain(message);
  });

  it('rejects a subject that names no image id', () => {
    const r = parseImageLogEvent({
      ...payload('blob-created'),
      subject: '/blobServices/default/containers/azureml/blobs/ImageLogs/',
    });
    expect(r.ok).toBe(false);
  });
});
