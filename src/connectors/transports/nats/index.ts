/**
 * The NATS JetStream transport: a durable pull consumer that feeds `receive` with explicit
 * acks, a publisher that delivers outbound messages with JetStream de-duplication, and the
 * stream set-up both rely on.
 */
export { ensureStream, type EnsureStreamResult } from './nats-stream.js';
export {
  startNatsConsumer,
  type NatsConsumer,
  type NatsConsumerOptions,
  type NatsConsumerState,
  type NatsConsumerStats,
  type OnPoison,
} from './nats-consumer.js';
export {
  createNatsPublisher,
  defaultSubjectFor,
  type NatsPublisher,
  type NatsPublisherOptions,
  type SubjectFor,
} from './nats-publisher.js';
export {
  NATS_DELIVERY_ERROR_CODES,
  classifyPublishError,
  type NatsDeliveryErrorCode,
} from './nats-delivery-errors.js';
export {
  isValidPublishSubject,
  isValidSubjectFilter,
  natsConsumerConfigSchema,
  natsPublisherConfigSchema,
  natsStreamConfigSchema,
  redeliveryPolicySchema,
  type NatsConsumerConfigInput,
  type NatsPublisherConfigInput,
  type NatsStreamConfigInput,
  type RedeliveryPolicy,
} from './nats-config.js';
export { DEFAULT_CONTENT_TYPE, HEADER_META_PREFIX, MSG_ID_HEADER } from './nats-envelope.js';
export type { TransportLog } from './transport-log.js';
