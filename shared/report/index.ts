/** Pure renderers of notifications for each channel. */
export { renderEmail, type InlineAttachment, type RenderedEmail } from './email.js';
export { renderTeamsCard } from './teams.js';
export {
  renderWebhook,
  WEBHOOK_SCHEMA,
  WEBHOOK_SCHEMA_VERSION,
  type WebhookPayload,
  type WebhookIncident,
} from './webhook.js';
export type { TeamsMessage, AdaptiveCard } from './cardTypes.js';
export { messageBytes } from './cardTypes.js';
export type { ReportContext, DigestChart } from './context.js';
export { CHART_CONTENT_ID, DEFAULT_MAX_CARD_BYTES } from './context.js';
