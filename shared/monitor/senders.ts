/** Channel senders from the app settings, built by delivery's own settings reader and keyed by channel kind. */
import type { TokenCredential } from '@azure/identity';
import type { Env } from '../config/settings.js';
import { channelsFromSettings, createSender } from '../notify/index.js';
import type { Sender } from '../notify/types.js';

export async function sendersFromEnv(env: Env, credential?: TokenCredential): Promise<Map<string, Sender>> {
  const senders = new Map<string, Sender>();
  for (const config of await channelsFromSettings(env, credential ? { credential } : {})) {
    const sender = createSender(config);
    senders.set(sender.kind, sender);
  }
  return senders;
}
