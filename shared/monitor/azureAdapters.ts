/** The monitor's storage collaborators on Azure Storage (or Azurite): outbox and recheck queues, image logs, evidence. */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BlobClient, BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { QueueClient } from '@azure/storage-queue';
import { QueueServiceClient } from '@azure/storage-queue';
import type { TokenCredential } from '@azure/identity';
import { writeBundle } from '../snapshot/bundle.js';
import { redact } from '../text/redact.js';
import type { Snapshot } from '../snapshot/types.js';
import { checkBlobUrl, UntrustedUrlError } from '../events/blobUrl.js';
import type { ImageLogBlobEvent } from '../events/types.js';
import { encodeQueueMessage, fitMessage } from './fit.js';
import type {
  ChatDiagnoseRequest,
  ChatQueue,
  BlobTail,
  EvidenceArchive,
  ImageLogRecheck,
  ImageLogReader,
  Outbox,
  OutboxMessage,
  RecheckQueue,
} from './types.js';

export type BlobAccess = { connectionString: string } | { endpoint: string; credential: TokenCredential };
export type QueueAccess = { connectionString: string } | { endpoint: string; credential: TokenCredential };

export function blobService(access: BlobAccess): BlobServiceClient {
  return 'connectionString' in access
    ? BlobServiceClient.fromConnectionString(access.connectionString)
    : new BlobServiceClient(access.endpoint, access.credential);
}

export function queueClient(access: QueueAccess, name: string): QueueClient {
  const service =
    'connectionString' in access
      ? QueueServiceClient.fromConnectionString(access.connectionString)
      : new QueueServiceClient(access.endpoint, access.credential);
  return service.getQueueClient(name);
}

/** Creates the queue on first use. */
function lazyQueue(client: QueueClient): () => Promise<QueueClient> {
  let ready: Promise<unknown> | undefined;
  return async () => {
    ready ??= client.createIfNotExists().catch((err: unknown) => {
      ready = undefined;
      throw err;
    });
    await ready;
    return client;
  };
}

export function queueOutbox(queue: QueueClient, poisonQueue: QueueClient): Outbox {
  const q = lazyQueue(queue);
  const p = lazyQueue(poisonQueue);
  return {
    async enqueue(message: OutboxMessage, delayMs?: number): Promise<void> {
      // Azure Queue Storage allows a visibility timeout of up to 7 days.
      const visibilityTimeout =
        delayMs && delayMs > 0 ? Math.min(Math.ceil(delayMs / 1000), 7 * 24 * 3600) : undefined;
      await (
        await q()
      ).sendMessage(encodeQueueMessage(fitMessage(message)), visibilityTimeout ? { visibilityTimeout } : {});
    },
    async poison(message: OutboxMessage, reason: string): Promise<void> {
      await (await p()).sendMessage(encodeQueueMessage({ ...message, poisonReason: reason }));
    },
  };
}

export function queueChat(queue: QueueClient): ChatQueue {
  const q = lazyQueue(queue);
  return {
    async enqueue(message: ChatDiagnoseRequest): Promise<void> {
      await (await q()).sendMessage(encodeQueueMessage(message));
    },
  };
}

export function queueRecheck(queue: QueueClient): RecheckQueue {
  const q = lazyQueue(queue);
  return {
    async enqueue(message: ImageLogRecheck, delayMs: number): Promise<void> {
      await (
        await q()
      ).sendMessage(encodeQueueMessage(message), { visibilityTimeout: Math.ceil(delayMs / 1000) });
    },
  };
}

/**
 * Reads only the tail of a build log with one ranged download: a 200 MB log costs 4 MiB. The partial first line of
 * the tail is dropped so no rule sees half a line.
 */
export function blobImageLogReader(clientFor: (e: ImageLogBlobEvent) => BlobClient): ImageLogReader {
  return {
    async readTail(e: ImageLogBlobEvent, maxBytes: number): Promise<BlobTail> {
      const blob = clientFor(e);
      const props = await blob.getProperties();
      const total = props.contentLength ?? 0;
      if (total === 0) return { totalLength: 0, blobType: props.blobType, text: '', bytesRead: 0 };
      const offset = Math.max(0, total - maxBytes);
      const buf = await blob.downloadToBuffer(offset, total - offset);
      let start = 0;
      if (offset > 0) {
        const nl = buf.indexOf(0x0a);
        start = nl >= 0 ? nl + 1 : 0;
      }
      return {
        totalLength: total,
        blobType: props.blobType,
        text: buf.subarray(start).toString('utf8'),
        bytesRead: buf.length,
      };
    },
  };
}

/**
 * In Azure the event's URL plus the managed identity; with Azurite a connection string to that account. The URL is
 * checked again here, where the credential is attached: never to a host other than the event topic's own account
 * (or a configured endpoint), whatever the caller validated.
 */
export function imageLogBlobClient(
  access: { connectionString: string } | { credential: TokenCredential },
  allowedEndpoints: readonly string[] = [],
) {
  return (e: ImageLogBlobEvent): BlobClient => {
    if ('connectionString' in access) {
      return BlobServiceClient.fromConnectionString(access.connectionString)
        .getContainerClient(e.container)
        .getBlobClient(e.blobName);
    }
    const checked = checkBlobUrl(e.url, e.topic, allowedEndpoints);
    if (!checked.ok) throw new UntrustedUrlError(checked.error);
    return new BlobClient(checked.url.toString(), access.credential);
  };
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

/** Writes the bundle into a temp dir, uploads its files under `<key>/`, returns the folder URL. */
export function blobEvidenceArchive(container: ContainerClient): EvidenceArchive {
  let ready: Promise<unknown> | undefined;
  return {
    async archive(key: string, snapshot: Snapshot, extraFiles: Record<string, string> = {}): Promise<string> {
      ready ??= container.createIfNotExists();
      await ready;
      const dir = await mkdtemp(join(tmpdir(), 'amlmon-evidence-'));
      const prefix = key.replace(/[^A-Za-z0-9._/-]/g, '_');
      try {
        await writeBundle(dir, snapshot);
        for (const [name, text] of Object.entries(extraFiles)) await writeFile(join(dir, name), redact(text));
        for (const file of await filesUnder(dir)) {
          const name = `${prefix}/${relative(dir, file).split('\\').join('/')}`;
          const body = await readFile(file);
          await container.getBlockBlobClient(name).uploadData(body, {
            blobHTTPHeaders: {
              blobContentType: name.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8',
            },
          });
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      return `${container.url}/${prefix}/`;
    },
  };
}
