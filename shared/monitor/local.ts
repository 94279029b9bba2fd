/**
 * Collaborators for running the monitor in one process without Azure (`amlmon watch`): an in-memory outbox that
 * delivers after each sweep and retries failures a few times, evidence bundles in a local directory, and a sender
 * that prints notifications to the terminal.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeBundle } from '../snapshot/bundle.js';
import type { Snapshot } from '../snapshot/types.js';
import { writeFile } from 'node:fs/promises';
import type { Notification } from '../incidents/types.js';
import type { SendResult, Sender } from '../notify/types.js';
import { deliverMessage } from './deliver.js';
import type { EvidenceArchive, MonitorRuntime, Outbox, OutboxMessage, RecheckQueue } from './types.js';

export class MemoryOutbox implements Outbox {
  readonly pending: Array<{ message: OutboxMessage; tries: number }> = [];
  readonly poisoned: Array<{ message: OutboxMessage; reason: string }> = [];

  constructor(private readonly maxTries = 5) {}

  /** The delay is not waited for here: the next drain (the next sweep) is later anyway. */
  enqueue(message: OutboxMessage): Promise<void> {
    this.pending.push({ message, tries: 0 });
    return Promise.resolve();
  }

  poison(message: OutboxMessage, reason: string): Promise<void> {
    this.poisoned.push({ message, reason });
    return Promise.resolve();
  }

  /** Delivers what is pending; failures stay for the next call until `maxTries`, then count as poisoned. */
  async drain(rt: MonitorRuntime): Promise<void> {
    const batch = this.pending.splice(0);
    for (const item of batch) {
      item.tries += 1;
      try {
        await deliverMessage(rt, item.message, item.tries);
      } catch (err) {
        if (item.tries >= this.maxTries)
          this.poisoned.push({ message: item.message, reason: (err as Error).message });
        else this.pending.push(item);
      }
    }
  }
}

export const noRecheck: RecheckQueue = {
  enqueue: () => Promise.reject(new Error('image log re-reads need the Functions app (no queue here)')),
};

export function directoryEvidenceArchive(root: string): EvidenceArchive {
  return {
    async archive(key: string, snapshot: Snapshot, extraFiles: Record<string, string> = {}): Promise<string> {
      const dir = join(root, ...key.replace(/[^A-Za-z0-9._/-]/g, '_').split('/'));
      await mkdir(dir, { recursive: true });
      await writeBundle(dir, snapshot);
      for (const [name, text] of Object.entries(extraFiles)) await writeFile(join(dir, name), text);
      return dir;
    },
  };
}

/** Formats a notification for a terminal: one block per incident. */
export function formatNotification(n: Notification): string {
  const lines: string[] = [];
  const head = n.kind === 'alert' ? 'ALERT' : n.kind === 'resolved' ? 'RESOLVED' : 'DIGEST';
  if (n.incidents.length > 1)
    lines.push(`${n.at}  ${head}  ${n.incidents.length} incidents on ${n.cluster ?? '?'}`);
  for (const i of n.incidents) {
    const root = i.diagnosis.findings[0];
    const what = `${i.code}${i.detail ? `/${i.detail}` : ''}`;
    lines.push(`${n.at}  ${head}  ${i.cluster}/${i.namespace}/${i.service}  ${what}`);
    if (n.kind === 'resolved') continue;
    if (root) {
      lines.push(`    ${root.title}`);
      for (const e of root.evidence.slice(0, 2)) lines.push(`    ${e.source}: ${e.text}`);
      for (const r of root.remedy.slice(0, 2)) lines.push(`    fix: ${r}`);
    }
    if (i.evidenceUrl) lines.push(`    evidence: ${i.evidenceUrl}`);
  }
  return lines.join('\n');
}

export function terminalSender(write: (text: string) => void): Sender {
  return {
    kind: 'webhook',
    name: 'terminal',
    send(n: Notification): Promise<SendResult> {
      write(`${formatNotification(n)}\n`);
      return Promise.resolve({ ok: true, retryable: false });
    },
  };
}
