/** The integration runtime: systems, flows, mappings, the inbox and (soon) the outbox relay. */
export * from './canonical.js';
export {
  SYSTEM_KINDS,
  FLOW_FORMATS,
  FLOW_STATES,
  FLOW_TRANSPORTS,
  INBOX_STATUSES,
  type Flow,
  type FlowInput,
  type IntegrationSystem,
  type Mapping,
  type InboxMessage,
  type InboxStatus,
  type ProcessOutcome,
  type DeferredOutcome,
  type IntegrationError,
  type OutboundDelivery,
} from './integration.schemas.js';
export {
  saveSystem,
  listSystems,
  saveFlow,
  listFlows,
  requireFlow,
  addMappingVersion,
  listMappings,
  webhookSecrets,
} from './systems.service.js';
export {
  receiveInbound,
  acceptInbound,
  processInbound,
  processDueInbound,
  retryInbound,
  applyInboundNow,
  discardInbound,
  listInbox,
  getInboxMessage,
  getInboxMessageBody,
  pendingInbound,
  effectiveState,
} from './inbox.service.js';
export { COMMAND_NAMES, type CommandName } from './commands.js';
export { compileMapping, evaluateMapping } from './mapping.js';
export { registerIntegrationRoutes } from './integration.routes.js';
export { purgeExpiredMessages, type PurgeReport } from './retention.service.js';
export { listIntegrationErrors } from './errors.service.js';
export {
  routeOutbox,
  deliverDue,
  listDeliveries,
  type RelayDeps,
  type TransportFactory,
} from './outbound.service.js';
export { replayMessages, capturedMessages, type ReplayReport, type EntityDiff } from './replay.service.js';
export { defaultTransports } from './transports.js';
export { createNatsRuntime, type NatsRuntime } from './nats-runtime.js';
export { createFileRuntime } from './file-runtime.js';
