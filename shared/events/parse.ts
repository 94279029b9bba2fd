/**
 * Parses Event Grid events (as the Functions host hands them over, or as JSON files) into the monitor's event types.
 * Never throws: a malformed event yields `{ ok: false, error }`, because an exception would make Event Grid retry
 * a poison event for 24 hours.
 */
import { checkBlobUrl } from './blobUrl.js';
import type {
  ArmDeploymentWriteEvent,
  ArmOutcome,
  EventEnvelope,
  ImageLogEvent,
  ModelDeployedEvent,
  ParseResult,
  WorkspaceEvent,
} from './types.js';

export const MODEL_DEPLOYED = 'Microsoft.MachineLearningServices.ModelDeployed';
export const BLOB_CREATED = 'Microsoft.Storage.BlobCreated';
const ARM_WRITE = /^Microsoft\.Resources\.ResourceWrite(Success|Failure|Cancel)$/;
/** The subject prefix of Azure ML image build logs in the workspace storage account. */
export const IMAGE_LOG_SUBJECT_PREFIX = '/blobServices/default/containers/azureml/blobs/ImageLogs/';
const DEPLOYMENT_URI = /\/workspaces\/([^/]+)\/onlineEndpoints\/([^/]+)\/deployments\/([^/]+)\/?$/i;
const WORKSPACE_TOPIC = /\/workspaces\/([^/]+)\/?$/i;

type Obj = Record<string, unknown>;

/** How far in the future an event time may be (clock skew between Event Grid and us) before it is malformed. */
export const MAX_EVENT_CLOCK_SKEW_MS = 10 * 60_000;

export interface ParseOptions {
  /** "Now", to reject event times from the future; without it times are not checked against a clock. */
  now?: Date;
  /** Blob endpoints (e.g. `https://acct.blob.core.windows.net/azureml/`) a data.url may point under besides the topic's. */
  allowedBlobEndpoints?: readonly string[];
}

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Obj, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = o[n];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

/** Reads the envelope; `eventTime` may be a string or a Date (the host or `@azure/eventgrid` may have parsed it). */
function parseEnvelope(raw: unknown, opts: ParseOptions = {}): ParseResult<EventEnvelope & { data: Obj }> {
  if (!isObject(raw)) return { ok: false, error: `event is not a JSON object (got ${describe(raw)})` };
  const missing = ['id', 'eventType', 'subject', 'eventTime'].filter(
    (k) => raw[k] === undefined || raw[k] === '',
  );
  if (missing.length > 0) {
    const hint =
      raw.specversion !== undefined
        ? ' (this looks like a CloudEvent; the subscription must use EventGridSchema)'
        : '';
    return { ok: false, error: `event is missing required field(s) ${missing.join(', ')}${hint}` };
  }
  const id = raw.id;
  const eventType = raw.eventType;
  const subject = raw.subject;
  if (typeof id !== 'string' || typeof eventType !== 'string' || typeof subject !== 'string') {
    return { ok: false, error: 'event fields id, eventType and subject must be strings' };
  }
  const rawTime = raw.eventTime;
  const time =
    rawTime instanceof Date ? rawTime : typeof rawTime === 'string' ? new Date(rawTime) : undefined;
  if (time === undefined || Number.isNaN(time.getTime())) {
    return { ok: false, error: `event ${id}: eventTime ${JSON.stringify(rawTime)} is not an RFC 3339 time` };
  }
  if (opts.now && time.getTime() > opts.now.getTime() + MAX_EVENT_CLOCK_SKEW_MS) {
    return {
      ok: false,
      error: `event ${id}: eventTime ${time.toISOString()} is in the future (now ${opts.now.toISOString()}, allowed clock skew ${MAX_EVENT_CLOCK_SKEW_MS / 60_000} min)`,
    };
  }
  const data = raw.data === undefined || raw.data === null ? {} : raw.data;
  if (!isObject(data)) return { ok: false, error: `event ${id}: data is not a JSON object` };
  const topic = typeof raw.topic === 'string' ? raw.topic : undefined;
  return { ok: true, value: { id, eventType, subject, topic, time: time.toISOString(), data } };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

function envelopeOf(e: EventEnvelope): EventEnvelope {
  return { id: e.id, time: e.time, eventType: e.eventType, subject: e.subject, topic: e.topic };
}

/** Parses an event of the workspace (or resource group) system topic. */
export function parseWorkspaceEvent(raw: unknown, opts: ParseOptions = {}): ParseResult<WorkspaceEvent> {
  const env = parseEnvelope(raw, opts);
  if (!env.ok) return env;
  const e = env.value;
  if (e.eventType === MODEL_DEPLOYED) return parseModelDeployed(e);
  const arm = ARM_WRITE.exec(e.eventType);
  if (arm) return parseArmWrite(e, arm[1] as ArmOutcome);
  return {
    ok: true,
    value: { ...envelopeOf(e), kind: 'ignored', reason: `event type ${e.eventType} is not monitored` },
  };
}

function parseModelDeployed(e: EventEnvelope & { data: Obj }): ParseResult<ModelDeployedEvent> {
  // The documented payload is PascalCase; @azure/eventgrid's types say camelCase. Read both.
  let service = str(e.data, 'ServiceName', 'serviceName');
  if (service === undefined && e.subject.startsWith('endpoints/'))
    service = e.subject.slice('endpoints/'.length);
  if (service === undefined) {
    return {
      ok: false,
      error: `event ${e.id}: ModelDeployed without data.ServiceName (or serviceName) or an endpoints/<name> subject`,
    };
  }
  const models = str(e.data, 'ModelIds', 'modelIds') ?? '';
  return {
    ok: true,
    value: {
      ...envelopeOf(e),
      kind: 'modelDeployed',
      workspace: e.topic ? WORKSPACE_TOPIC.exec(e.topic)?.[1] : undefined,
      service,
      computeType: str(e.data, 'ServiceComputeType', 'serviceComputeType'),
      modelIds: models
        .split(',')
        .map((m) => m.trim())
        .filter((m) => m.length > 0),
    },
  };
}

function parseArmWrite(e: EventEnvelope & { data: Obj }, outcome: ArmOutcome): ParseResult<WorkspaceEvent> {
  const resourceUri = str(e.data, 'resourceUri') ?? e.subject;
  const m = DEPLOYMENT_URI.exec(resourceUri);
  if (!m?.[1] || !m[2] || !m[3]) {
    return {
      ok: true,
      value: {
        ...envelopeOf(e),
        kind: 'ignored',
        reason: `ARM write on ${resourceUri} is not an online deployment`,
      },
    };
  }
  const value: ArmDeploymentWriteEvent = {
    ...envelopeOf(e),
    kind: 'armDeploymentWrite',
    outcome,
    workspace: m[1],
    endpoint: m[2],
    deployment: m[3],
    resourceUri,
    status: str(e.data, 'status'),
  };
  return { ok: true, value };
}

/** Parses an event of the workspace storage account's system topic. */
export function parseImageLogEvent(raw: unknown, opts: ParseOptions = {}): ParseResult<ImageLogEvent> {
  const env = parseEnvelope(raw, opts);
  if (!env.ok) return env;
  const e = env.value;
  if (e.eventType !== BLOB_CREATED) {
    return {
      ok: true,
      value: { ...envelopeOf(e), kind: 'ignored', reason: `event type ${e.eventType} is not monitored` },
    };
  }
  if (!e.subject.startsWith(IMAGE_LOG_SUBJECT_PREFIX)) {
    return {
      ok: true,
      value: { ...envelopeOf(e), kind: 'ignored', reason: `blob ${e.subject} is not an image build log` },
    };
  }
  const url = str(e.data, 'url');
  if (url === undefined) return { ok: false, error: `event ${e.id}: BlobCreated without data.url` };
  // The reader attaches the managed identity's token to this URL: only the topic's own account (or a configured one).
  const checked = checkBlobUrl(url, e.topic, opts.allowedBlobEndpoints);
  if (!checked.ok) return { ok: false, error: `event ${e.id}: ${checked.error}` };
  const blobName = e.subject.slice('/blobServices/default/containers/azureml/blobs/'.length);
  if (!decodeURIComponent(checked.url.pathname).endsWith(`/azureml/${blobName}`))
    return {
      ok: false,
      error: `event ${e.id}: data.url does not name the blob of the subject (${blobName})`,
    };
  const imageId = blobName.split('/')[1] ?? '';
  if (imageId === '') return { ok: false, error: `event ${e.id}: subject ${e.subject} names no image id` };
  const length = e.data.contentLength;
  if (length !== undefined && (typeof length !== 'number' || !Number.isFinite(length) || length < 0)) {
    return {
      ok: false,
      error: `event ${e.id}: data.contentLength ${JSON.stringify(length)} is not a byte count`,
    };
  }
  return {
    ok: true,
    value: {
      ...envelopeOf(e),
      kind: 'imageLog',
      url,
      container: 'azureml',
      blobName,
      imageId,
      contentLength: typeof length === 'number' ? length : 0,
      blobType: str(e.data, 'blobType'),
      eTag: str(e.data, 'eTag'),
      sequencer: str(e.data, 'sequencer'),
    },
  };
}

/** An Event Grid delivery may be one event or an array of them (files in a scenario, batched webhooks). */
export function eventList(raw: unknown): unknown[] {
  return Array.isArray(raw) ? raw : [raw];
}
