import { z } from 'zod';
import { MAX_VERSION } from '../../platform/limits.js';
import { snapshotSchema } from '../inventory/index.js';
import { breakerConfigSchema, IMPACTS, isValidSchedule, retryPolicySchema } from './delivery/index.js';
import { linkConnector } from './flow-connector.js';

const code = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore');

export const SYSTEM_KINDS = ['erp', 'fsm', 'wms', '3pl', 'supplier', 'repair_vendor', 'other'] as const;
export const FLOW_DIRECTIONS = ['inbound', 'outbound'] as const;
export const FLOW_FORMATS = ['json', 'csv', 'x12', 'idoc'] as const;
export const FLOW_TRANSPORTS = ['http', 'file', 'nats'] as const;
export const FLOW_MODES = ['real_time', 'batch'] as const;
/** live applies; shadow maps and compares but applies nothing; scheduled goes live at goLiveAt. */
export const FLOW_STATES = ['live', 'shadow', 'scheduled', 'disabled'] as const;
export const INBOX_STATUSES = [
  'received',
  'processing',
  'applied',
  'shadowed',
  'failed',
  'dead',
  'discarded',
] as const;
export const DELIVERY_STATUSES = ['pending', 'in_flight', 'delivered', 'dead'] as const;

export type FlowState = (typeof FLOW_STATES)[number];
export type FlowFormat = (typeof FLOW_FORMATS)[number];
export type InboxStatus = (typeof INBOX_STATUSES)[number];
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const systemInputSchema = z
  .object({
    code,
    kind: z.enum(SYSTEM_KINDS),
    name: z.string().trim().min(1).max(200),
    ownerTeam: z.string().trim().min(1).max(200),
    escalation: z
      .array(z.object({ name: z.string().min(1).max(200), contact: z.string().min(1).max(200) }).strict())
      .max(20)
      .default([]),
  })
  .strict();
export type SystemInput = z.infer<typeof systemInputSchema>;
export const systemSchema = systemInputSchema.extend({ createdAt: z.string(), updatedAt: z.string() });
export type IntegrationSystem = z.infer<typeof systemSchema>;

const windowSchema = z
  .object({
    days: z.array(z.number().int().min(0).max(6)).min(1).describe('0 = Sunday'),
    from: z.string().regex(/^\d{2}:\d{2}$/),
    to: z.string().regex(/^\d{2}:\d{2}$/),
  })
  .strict();

/** A snapshot flow's messages are a sender's whole stock picture (a daily 846 or CSV extract). */
export const snapshotOptionsSchema = z
  .object({
    mode: z
      .enum(['apply', 'report'])
      .default('apply')
      .describe('apply: the hub takes the sender’s counts; report: differences are only recorded'),
    scope: z
      .enum(['full', 'partial'])
      .default('partial')
      .describe('full: a balance the snapshot leaves out at a location it names is counted as zero'),
    reasonCode: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .default('SNAPSHOT')
      .describe('reason code of the adjustments'),
    chunkLines: z.number().int().min(1).max(50_000).default(5000).describe('lines per unit of work'),
  })
  .strict();

/** Characters X12 ids may hold here: none of the writer's delimiters (* > ~ ^). */
const x12Id = z
  .string()
  .min(2)
  .max(15)
  .regex(/^[A-Za-z0-9 ._/-]+$/, 'letters, digits, space, dot, dash, slash and underscore');

/** Envelope of an outbound X12 flow's interchanges; control numbers are the hub's, per flow. */
export const x12EnvelopeSchema = z
  .object({
    senderQualifier: z
      .string()
      .regex(/^[A-Z0-9]{2}$/)
      .describe('ISA05, e.g. ZZ (mutually defined), 01 (DUNS)'),
    senderId: x12Id.describe('ISA06 and GS02'),
    receiverQualifier: z
      .string()
      .regex(/^[A-Z0-9]{2}$/)
      .describe('ISA07'),
    receiverId: x12Id.describe('ISA08 and GS03'),
    usage: z.enum(['P', 'T']).describe('ISA15: P production, T test'),
    version: z
      .string()
      .regex(/^\d{6}[A-Z0-9]{0,6}$/, 'an X12 version such as 004010 or 005010')
      .default('004010')
      .describe('GS08; ISA12 is its first five digits'),
  })
  .strict();
export type X12Envelope = z.infer<typeof x12EnvelopeSchema>;

/** The formats an outbound flow can write: JSON as mapped, CSV from flat rows, X12 from canonical messages. */
export const OUTBOUND_FORMATS: readonly FlowFormat[] = ['json', 'csv', 'x12'];

const flowFieldsSchema = z
  .object({
    code,
    systemCode: code,
    entity: z
      .string()
      .trim()
      .min(1)
      .max(60)
      .describe('what the flow carries: part, stock, work_order, ship_notice …'),
    direction: z.enum(FLOW_DIRECTIONS),
    format: z.enum(FLOW_FORMATS),
    transport: z.enum(FLOW_TRANSPORTS),
    mode: z.enum(FLOW_MODES).default('real_time'),
    schedule: z
      .string()
      .trim()
      .max(100)
      .refine(isValidSchedule, 'not a cron expression (minute hour day month weekday, UTC)')
      .optional()
      .describe('cron (UTC), for batch flows: messages wait for the next tick, both directions'),
    windows: z
      .array(windowSchema)
      .max(20)
      .default([])
      .describe('integration windows: sent and applied only inside one; empty means any time'),
    interfaceVersion: z.string().trim().min(1).max(40).default('1'),
    state: z.enum(FLOW_STATES).default('live'),
    goLiveAt: z.iso.datetime().optional(),
    mappingCode: code,
    mappingVersion: z.number().int().positive().max(MAX_VERSION),
    options: z
      .object({
        strictEnvelope: z
          .boolean()
          .default(true)
          .describe('X12: refuse interchanges whose trailers disagree'),
        csvColumns: z.record(z.string(), z.string()).optional(),
        csvDefaultUom: z
          .string()
          .trim()
          .min(1)
          .max(20)
          .optional()
          .describe('csv: the unit of rows without one (otherwise a unit column is required)'),
        documentPrefix: z.string().max(40).optional(),
        events: z
          .array(z.string().min(1).max(100))
          .max(50)
          .optional()
          .describe('outbound: event types to send (a trailing * matches a prefix, e.g. catalog.*)'),
        url: z.url().optional().describe('outbound http: where to POST'),
        directory: z.string().max(500).optional().describe('file: the drop folder'),
        subject: z.string().max(200).optional().describe('nats: subject to publish to / consume from'),
        stream: z
          .string()
          .max(200)
          .optional()
          .describe('nats inbound: the JetStream stream holding the subject'),
        retry: retryPolicySchema.optional().describe('outbound: retry policy (Temporal vocabulary)'),
        breaker: breakerConfigSchema.optional().describe('outbound: circuit breaker for this flow’s system'),
        snapshot: snapshotOptionsSchema
          .optional()
          .describe('inbound: the messages are inventory snapshots, applied and reconciled chunk by chunk'),
        x12: x12EnvelopeSchema.optional().describe('outbound x12: interchange envelope (required there)'),
        csv: z
          .object({
            columns: z
              .array(z.string().trim().min(1).max(100))
              .min(1)
              .max(500)
              .optional()
              .describe('the header, in order; absent: every field in the order it first appears'),
          })
          .strict()
          .optional()
          .describe('outbound csv: the file layout'),
      })
      .strict()
      .default({ strictEnvelope: true }),
    retentionDays: z.number().int().min(1).max(3650).default(90),
    webhookSecrets: z
      .array(z.string().min(16).max(200))
      .max(3)
      .optional()
      .describe('Standard Webhooks secrets (whsec_…); never shown again'),
    connector: z
      .object({
        id: z.string().min(1).max(60),
        version: z.string().optional().describe('ignored: the version the hub ships is recorded'),
        config: z.record(z.string(), z.unknown()).default({}),
        secrets: z
          .record(z.string(), z.unknown())
          .optional()
          .describe('checked against the connector’s secrets schema; never shown again'),
      })
      .strict()
      .nullable()
      .optional()
      .describe(
        'a connector the hub ships (GET /api/v1/integration/connectors): its config, checked by its schema, sets the transport options',
      ),
  })
  .strict();

/** Rules across fields: what an outbound flow can write and carry, and what writing X12 needs. */
export const flowInputSchema = flowFieldsSchema.superRefine((flow, ctx) => {
  if (flow.direction !== 'outbound') return;
  if (flow.options.snapshot)
    ctx.addIssue({
      code: 'custom',
      path: ['options', 'snapshot'],
      message:
        'snapshot options are for inbound flows: an outbound flow sends events, it receives no snapshots',
    });
  if (!OUTBOUND_FORMATS.includes(flow.format))
    ctx.addIssue({
      code: 'custom',
      path: ['format'],
      message: `an outbound flow writes json, csv or x12; ${flow.format} is read inbound only`,
    });
  if (flow.format === 'x12' && !flow.options.x12)
    ctx.addIssue({
      code: 'custom',
      path: ['options', 'x12'],
      message:
        'an outbound x12 flow needs its envelope: {senderQualifier, senderId, receiverQualifier, receiverId, usage} (version defaults to 004010)',
    });
});
export const linkedConnectorSchema = z.object({
  id: z.string(),
  version: z.string().describe('the connector version the flow was saved with'),
  config: z.record(z.string(), z.unknown()),
});

/** A flow as saved: checked across fields, then its connector's settings applied. */
export const flowSaveSchema = flowInputSchema.transform((flow, ctx) => {
  const { connector: link, ...rest } = flow;
  if (!link) return { ...rest, connector: null };
  return linkConnector(rest, link, ctx) ?? z.NEVER;
});
export type FlowInput = z.infer<typeof flowSaveSchema>;
export const flowSchema = flowFieldsSchema.omit({ webhookSecrets: true, connector: true }).extend({
  connector: linkedConnectorSchema.nullable(),
  hasWebhookSecret: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Flow = z.infer<typeof flowSchema>;

export const mappingInputSchema = z
  .object({
    code,
    expression: z
      .string()
      .min(1)
      .max(100_000)
      .describe('JSONata; input is the message, output one command or a list'),
    description: z.string().trim().max(500).default(''),
  })
  .strict();
export const mappingSchema = mappingInputSchema.extend({
  version: z.number().int(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Mapping = z.infer<typeof mappingSchema>;

export const inboxMessageSchema = z.object({
  id: z.string(),
  systemCode: z.string(),
  flowCode: z.string(),
  idempotencyKey: z.string(),
  transport: z.string(),
  contentType: z.string(),
  bodySha256: z.string(),
  meta: z.record(z.string(), z.string()),
  receivedAt: z.string(),
  status: z.enum(INBOX_STATUSES),
  attempts: z.number(),
  mappingCode: z.string().nullable(),
  mappingVersion: z.number().nullable(),
  result: z.unknown().nullable(),
  error: z.object({ code: z.string(), detail: z.string() }).nullable(),
  processedAt: z.string().nullable(),
  dueAt: z
    .string()
    .nullable()
    .describe('batch or windowed flows: when the message is applied (its next tick or window)'),
});
export type InboxMessage = z.infer<typeof inboxMessageSchema>;

// The routes send the types below through these schemas (a field a schema lacked would be
// stripped from the answer), so the services' types are made from them.

/** What became of a message that was mapped and applied, previewed or refused. */
export const processOutcomeSchema = z.object({
  messageId: z.string(),
  status: z.enum(INBOX_STATUSES),
  mapping: z.string().describe('code@version of the mapping used'),
  commands: z.number().describe('commands the mapping made (0 when it failed or was processed already)'),
  previews: z
    .array(z.unknown())
    .optional()
    .describe('shadow flows: what each command would change (command, entity, change, before, after)'),
  rejects: z
    .array(z.object({ ref: z.string(), code: z.string(), message: z.string() }))
    .optional()
    .describe('parts of the message refused while the rest was used (CSV rows)'),
  error: z.object({ code: z.string(), detail: z.string() }).optional().describe('why it failed or died'),
  snapshot: snapshotSchema
    .optional()
    .describe('snapshot flows: the snapshot and its totals (GET /api/v1/stock/snapshots/{id})'),
});
export type ProcessOutcome = z.infer<typeof processOutcomeSchema>;

/**
 * A message not processed by the call that names it: a snapshot started in the background (or
 * left for the process already running one), or a message moved to its next window. Strict,
 * so a ProcessOutcome can never pass for one with its fields stripped.
 */
export const deferredOutcomeSchema = z.strictObject({
  messageId: z.string(),
  status: z.enum(INBOX_STATUSES).describe('processing: a snapshot applying in the background'),
  dueAt: z.string().nullable().describe('when it will be applied; null: now, in the background'),
});
export type DeferredOutcome = z.infer<typeof deferredOutcomeSchema>;

/** One entry of the integration error log (M7.4): a message that did not get through. */
export const integrationErrorSchema = z.object({
  kind: z.enum(['inbound', 'outbound']),
  id: z.string().describe('the inbound message or the outbound delivery'),
  flowCode: z.string(),
  systemCode: z.string(),
  status: z.string().describe('dead or failed (failed: inbound, retried by the worker)'),
  code: z.string().describe('the error code; UNKNOWN when none was recorded'),
  detail: z.string(),
  impact: z.enum(IMPACTS).describe('what the failure holds up'),
  rank: z.number().describe('lower is more urgent; the log is sorted by it'),
  reasons: z.array(z.string()).describe('why it ranks where it does'),
  attempts: z.number(),
  createdAt: z.string().describe('when the message was received or the delivery created'),
  slaDueAt: z.string().nullable().describe('the SLA the message carries (slaDueAt or dueAt), if any'),
});
export type IntegrationError = z.infer<typeof integrationErrorSchema>;

export const outboundDeliverySchema = z.object({
  id: z.string(),
  flowCode: z.string(),
  systemCode: z.string(),
  eventId: z.string().describe('the domain event the delivery carries (GET /api/v1/events)'),
  eventType: z.string(),
  key: z.string().describe('the aggregate key: deliveries of one key go out in order'),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  nextAttemptAt: z.string().describe('pending: when it is next sent; otherwise when it last was due'),
  lastError: z.object({ code: z.string(), detail: z.string() }).nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  contentType: z.string(),
  body: z.unknown().describe('JSON bodies parsed; anything else (CSV, an X12 interchange) as the text sent'),
});
export type OutboundDelivery = z.infer<typeof outboundDeliverySchema>;
