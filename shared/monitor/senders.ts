/** Channel senders from the typed channel settings (shared/config), keyed by channel kind. */
import type { TokenCredential } from '@azure/core-auth';
import type { ChannelSetting } from '../config/settings.js';
import { createSender, type ChannelConfig } from '../notify/index.js';
import type { Sender } from '../notify/types.js';

/** `credential` is asked for only by an email channel that signs in with `ACS_ENDPOINT` (managed identity). */
export function sendersFor(
  channels: readonly ChannelSetting[],
  credential: () => TokenCredential,
): Map<string, Sender> {
  const senders = new Map<string, Sender>();
  for (const setting of channels) {
    const config: ChannelConfig =
      setting.kind === 'email' && !setting.connectionString
        ? { ...setting, credential: credential() }
        : setting;
    const sender = createSender(config);
    senders.set(sender.kind, sender);
  }
  return senders;
}
