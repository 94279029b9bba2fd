/**
 * The channels a simulation delivers to: the loopback ACS Email and Teams Workflows stand-ins over HTTPS, reached
 * by the real senders (shared/notify), so what is "delivered" went through rendering, signing and HTTP for real.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startAcsStandIn, type ReceivedEmail } from './standins/acsEmail.js';
import { startTeamsStandIn, type ReceivedPost } from './standins/teams.js';
import { createSender } from '../shared/notify/index.js';
import type { ReportSettings } from '../shared/notify/config.js';
import type { Sender } from '../shared/notify/types.js';
import type { Clock } from '../shared/time/clock.js';

export interface SimChannels {
  senders: Sender[];
  /** The Teams posts received so far (parsed JSON, oldest first): the cards whose links `actions/` follow. */
  teamsCards?(): unknown[];
  /** What the stand-ins received, for a summary. */
  received(): { emails: number; teamsPosts: number };
  /** Writes every received message to `dir` as a person would open it; returns the files written. */
  writeReceived?(dir: string): Promise<string[]>;
  close(): Promise<void>;
}

export const SIM_SENDER_ADDRESS = 'DoNotReply@simulation.azurecomm.net';
export const SIM_RECIPIENT = 'ml-oncall@contoso.example';

export async function defaultSimChannels(clock: Clock, report?: ReportSettings): Promise<SimChannels> {
  const acs = await startAcsStandIn();
  const teams = await startTeamsStandIn({ tls: true });
  // Rendered times follow the simulated clock; the local throttles would only slow a simulation down.
  const now = (): number => clock.now().getTime();
  const email = createSender({
    kind: 'email',
    name: 'email',
    connectionString: acs.connectionString,
    caCert: acs.caCert,
    senderAddress: SIM_SENDER_ADDRESS,
    recipients: [{ to: [SIM_RECIPIENT] }],
    pollIntervalMs: 0,
    throttle: [],
    now,
    ...(report ? { report } : {}),
  });
  const teamsSender = createSender({
    kind: 'teams',
    name: 'teams',
    url: teams.url,
    caCert: teams.caCert,
    throttle: [],
    now,
    ...(report ? { report } : {}),
  });
  return {
    senders: [email, teamsSender],
    teamsCards: () => teams.received.map((p) => p.body),
    received: () => ({ emails: acs.emails.length, teamsPosts: teams.received.length }),
    writeReceived: (dir) => writeReceivedMessages(dir, acs.emails, teams.received),
    close: async () => {
      await acs.close();
      await teams.close();
    },
  };
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'message'
  );
}

/**
 * Emails as `.html` (inline images written beside them and their `cid:` references pointed at the files, so the
 * page opens in a browser as the mail client shows it) and `.txt`; Teams posts as the `.json` that was POSTed,
 * whose card can be pasted into the Adaptive Cards designer.
 */
export async function writeReceivedMessages(
  dir: string,
  emails: readonly ReceivedEmail[],
  posts: readonly ReceivedPost[],
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const write = async (name: string, content: string | Buffer): Promise<void> => {
    await writeFile(join(dir, name), content);
    written.push(join(dir, name));
  };
  for (const [i, e] of emails.entries()) {
    const base = `${String(i + 1).padStart(2, '0')}-email-${slug(e.message.content.subject)}`;
    let html = e.message.content.html ?? '';
    for (const [j, a] of (e.message.attachments ?? []).entries()) {
      const ext = a.contentType === 'image/png' ? 'png' : 'bin';
      const file = `${base}.${a.contentId ?? `attachment-${j + 1}`}.${ext}`;
      await write(file, Buffer.from(a.contentInBase64, 'base64'));
      if (a.contentId) html = html.split(`cid:${a.contentId}`).join(file);
    }
    if (html) await write(`${base}.html`, html);
    if (e.message.content.plainText) await write(`${base}.txt`, e.message.content.plainText);
  }
  for (const [i, p] of posts.entries()) {
    await write(`${String(i + 1).padStart(2, '0')}-teams.json`, JSON.stringify(p.body, null, 2) + '\n');
  }
  return written;
}
