/** Delivery channels: createSender turns a channel configuration into a Sender (see ./types.ts). */
import type { ChannelConfig } from './config.js';
import { EmailSender } from './email.js';
import { TeamsSender } from './teams.js';
import type { Sender } from './types.js';
import { WebhookSender } from './webhook.js';

export function createSender(config: ChannelConfig): Sender {
  switch (config.kind) {
    case 'email':
      return new EmailSender(config);
    case 'teams':
      return new TeamsSender(config);
    case 'webhook':
      return new WebhookSender(config);
    default: {
      const kind: unknown = (config as { kind?: unknown }).kind;
      throw new Error(`unknown channel kind ${JSON.stringify(kind)}: expected email, teams or webhook`);
    }
  }
}

export type {
  ChannelConfig,
  EmailChannelConfig,
  TeamsChannelConfig,
  WebhookChannelConfig,
  ReportSettings,
} from './config.js';
export type { Sender, SendResult, ChannelKind } from './types.js';
export type { RecipientRule } from './recipients.js';
export { resolveRecipients, parseRecipientSetting } from './recipients.js';
export { operationIdFor } from './email.js';
export {
  signBody,
  signTimestamped,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  TIMESTAMPED_SIGNATURE_HEADER,
} from './webhook.js';
export { ACS_DEFAULT_LIMITS, TEAMS_DEFAULT_LIMITS, type RateWindow } from './throttle.js';
