/** Shared wiring for the handler tests: a runtime on Azurite (real tables, queues, blobs) with per-test names. */
import { randomUUID } from 'node:crypto';
import { InvocationContext } from '@azure/functions';
import { BlobServiceClient } from '@azure/storage-blob';
import type { QueueClient } from '@azure/storage-queue';
import { diagnoseSnapshot } from '../../shared/diagnosis/engine.js';
import {
  blobEvidenceArchive,
  blobImageLogReader,
  imageLogBlobClient,
  queueClient,
  queueOutbox,
  queueRecheck,
} from '../../shared/monitor/azureAdapters.js';
import { decodeQueueMessage } from '../../shared/monitor/fit.js';
import {
  IMAGE_LOG_TAIL_BYTES,
  type BlobTail,
  type ClusterSource,
  type MonitorRuntime,
} from '../../shared/monitor/types.js';
import type { Sender } from '../../shared/notify/types.js';
import { SimulatedClock } from '../../shared/time/clock.js';
import { azureState } from '../../shared/state/azureState.js';
import type { AzuriteInstance } from '../../sim/azurite.js';

export interface Harness {
  rt: MonitorRuntime;
  clock: SimulatedClock;
  outbox: QueueClient;
  poison: QueueClient;
  recheck: QueueClient;
  recheckPoison: QueueClient;
  blobs: BlobServiceClient;
  evidenceContainer: string;
  /** Every tail read: what the image-log reader fetched. */
  tails: BlobTail[];
  logs: Array<{ level: string; message: string }>;
  context(functionName: string, triggerMetadata?: Record<string, unknown>): InvocationContext;
}

export function makeHarness(
  azurite: AzuriteInstance,
  opts: { clusters?: ClusterSource[]; senders?: Map<string, Sender>; start?: string; prefix?: string } = {},
): Harness {
  const p = opts.prefix ?? `t${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const conn = { connectionString: azurite.connectionString };
  const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
  const clock = new SimulatedClock(opts.start ?? '2026-11-26T10:00:00Z');
  const logs: Harness['logs'] = [];
  const tails: BlobTail[] = [];
  const reader = blobImageLogReader(imageLogBlobClient(conn));
  const evidenceContainer = `${p}-evidence`;
  const rt: MonitorRuntime = {
    clock,
    state: azureState(conn, p),
    clusters: opts.clusters ?? [],
    outbox: queueOutbox(queueClient(conn, `${p}-outbox`), queueClient(conn, `${p}-outbox-poison`)),
    recheck: queueRecheck(queueClient(conn, `${p}-recheck`)),
    imageLogs: {
      async readTail(e, max) {
        const t = await reader.readTail(e, max);
        tails.push(t);
        return t;
      },
    },
    evidence: blobEvidenceArchive(blobs.getContainerClient(evidenceContainer)),
    senders: opts.senders ?? new Map(),
    diagnose: diagnoseSnapshot,
    options: {
      hangAfterMs: 600_000,
      repeatAfterMs: 4 * 3_600_000,
      groupOver: 3,
      imageLogRecheckDelayMs: 0,
      imageLogMaxRechecks: 3,
      imageLogTailBytes: IMAGE_LOG_TAIL_BYTES,
      workspaces: [],
    },
    log: {
      debug: (m) => logs.push({ level: 'debug', message: m }),
      info: (m) => logs.push({ level: 'information', message: m }),
      warn: (m) => logs.push({ level: 'warning', message: m }),
      error: (m) => logs.push({ level: 'error', message: m }),
    },
  };
  return {
    rt,
    clock,
    outbox: queueClient(conn, `${p}-outbox`),
    poison: queueClient(conn, `${p}-outbox-poison`),
    recheck: queueClient(conn, `${p}-recheck`),
    recheckPoison: queueClient(conn, `${p}-recheck-poison`),
    blobs,
    evidenceContainer,
    tails,
    logs,
    context: (functionName, triggerMetadata = {}) =>
      new InvocationContext({
        invocationId: randomUUID(),
        functionName,
        triggerMetadata,
        logHandler: (level, ...args) =>
          logs.push({ level, message: `${functionName}: ${args.map(String).join(' ')}` }),
      }),
  };
}

/** All messages in a queue (peeked, not consumed), decoded as the host would hand them over. */
export async function peekAll(queue: QueueClient): Promise<unknown[]> {
  if (!(await queue.exists())) return [];
  const r = await queue.peekMessages({ numberOfMessages: 32 });
  return r.peekedMessageItems.map((m) => decodeQueueMessage(m.messageText));
}
