/** HTTP webhooks, Standard Webhooks signatures in and out. The only public door. */
export {
  signWebhook,
  verifyWebhook,
  WEBHOOK_ISSUE_CODES,
  DEFAULT_TOLERANCE_SECONDS,
  type SignedHeaders,
  type VerifyResult,
  type WebhookIssueCode,
} from './signature.js';
export { toInboundEnvelope, WebhookEnvelopeError } from './envelope.js';
export {
  createWebhookSender,
  parseRetryAfter,
  type WebhookSenderOptions,
  type WebhookTarget,
} from './sender.js';
export type { HeaderBag } from './headers.js';
