import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runCommand } from '../../http/command.js';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { reader } from '../../kernel/index.js';
import { sha256Hex } from '../../platform/canonical.js';
import { isoTimestamp } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import {
  CONNECTORS,
  connectorDescriptionSchema,
  describeConnector,
  findConnector,
  testConnector,
} from '../../connectors/index.js';
import { verifyWebhook } from '../../connectors/transports/webhook/index.js';
import { findTenantByCode } from '../access/index.js';
import {
  acceptInbound,
  applyInboundNow,
  discardInbound,
  getInboxMessage,
  getInboxMessageBody,
  listInbox,
  retryInbound,
} from './inbox.service.js';
import { listIntegrationErrors } from './errors.service.js';
import { listDeliveries, retryDelivery } from './outbound.service.js';
import {
  deferredOutcomeSchema,
  DELIVERY_STATUSES,
  flowSchema,
  INBOX_STATUSES,
  inboxMessageSchema,
  integrationErrorSchema,
  mappingSchema,
  outboundDeliverySchema,
  processOutcomeSchema,
  systemSchema,
} from './integration.schemas.js';
import {
  addMappingVersion,
  listFlows,
  listMappings,
  listSystems,
  saveFlow,
  saveSystem,
  webhookSecrets,
} from './systems.service.js';

const acceptedSchema = z.object({
  messageId: z.string(),
  duplicate: z.boolean(),
  outcome: processOutcomeSchema
    .nullable()
    .describe('null: a duplicate, a snapshot (applied in the background) or a message applied at dueAt'),
  dueAt: z
    .string()
    .nullable()
    .describe('batch or windowed flows: when the message will be applied (its next tick or window)'),
  timing: z.array(z.string()).describe('why then'),
});

export interface IntegrationRouteOptions {
  /** Largest inbound message accepted over HTTP, in bytes. */
  maxMessageBytes: number;
}

export function registerIntegrationRoutes(
  app: FastifyInstance,
  deps: HttpDeps,
  options: IntegrationRouteOptions,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['integration'];
  const read = (request: Parameters<typeof ctxOf>[0]) => reader(deps.store, ctxOf(request));

  r.get(
    '/api/v1/integration/connectors',
    {
      config: { permission: 'integration:read' },
      schema: {
        tags,
        summary:
          'Connectors the hub ships: transport, format, config and secrets schemas, messages with default mappings',
        response: { 200: z.object({ items: z.array(connectorDescriptionSchema) }) },
      },
    },
    () => ({ items: CONNECTORS.map(describeConnector) }),
  );
  r.post(
    '/api/v1/integration/connectors/:id/test',
    {
      config: { permission: 'integration:write' },
      schema: {
        tags,
        summary:
          'Validate settings against a connector’s schemas and test the connection (nothing is stored)',
        params: z.object({ id: z.string() }),
        body: z.object({ config: z.unknown().optional(), secrets: z.unknown().optional() }),
        response: { 200: z.object({ ok: z.boolean(), detail: z.string(), durationMs: z.number() }) },
      },
    },
    async (request) => {
      const connector = findConnector(request.params.id);
      if (!connector) throw new AppError('CONNECTOR_NOT_FOUND', `No connector '${request.params.id}'`);
      return testConnector(connector, request.body.config, request.body.secrets);
    },
  );
  r.post(
    '/api/v1/integration/systems',
    {
      config: { permission: 'integration:write' },
      schema: {
        tags,
        summary: 'Register or update an external system (ERP, FSM, WMS, 3PL, supplier, repair vendor)',
        body: z.unknown(),
        response: { 200: systemSchema },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 200, (w) => saveSystem(w, request.body)),
  );
  r.get(
    '/api/v1/integration/systems',
    {
      config: { permission: 'integration:read' },
      schema: {
        tags,
        summary: 'External systems',
        response: { 200: z.object({ items: z.array(systemSchema) }) },
      },
    },
    async (request) => ({ items: await listSystems(deps.store.db, ctxOf(request).tenantId) }),
  );
  r.post(
    '/api/v1/integration/mappings',
    {
      config: { permission: 'integration:write' },
      schema: {
        tags,
        summary: 'Save a new version of a JSONata mapping (versions never change)',
        body: z.unknown(),
        response: { 201: mappingSchema },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 201, (w) => addMappingVersion(w, request.body)),
  );
  r.get(
    '/api/v1/integration/mappings',
    {
      config: { permission: 'integration:read' },
      schema: {
        tags,
        summary: 'Mappings and their versions',
        querystring: z.object({ code: z.string().optional() }),
        response: { 200: z.object({ items: z.array(mappingSchema) }) },
      },
    },
    async (request) => ({
      items: await listMappings(deps.store.db, ctxOf(request).tenantId, request.query.code),
    }),
  );
  r.post(
    '/api/v1/integration/flows',
    {
      config: { permission: 'integration:write' },
      schema: {
        tags,
        summary: 'Create or update a flow (system × entity × direction) pinned to a mapping version',
        body: z.unknown(),
        response: { 200: flowSchema },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 200, (w) => saveFlow(w, request.body)),
  );
  r.get(
    '/api/v1/integration/flows',
    {
      config: { permission: 'integration:read' },
      schema: { tags, summary: 'Flows', response: { 200: z.object({ items: z.array(flowSchema) }) } },
    },
    async (request) => ({ items: await listFlows(deps.store.db, ctxOf(request).tenantId) }),
  );

  // Inbound messages from a system holding an API key: the raw body is kept as sent.
  void app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: options.maxMessageBytes },
      (_req, body, next) => next(null, body),
    );
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/integration/flows/:code/messages',
      {
        config: { permission: 'integration:send' },
        schema: {
          tags,
          summary: 'Send one raw message into an inbound flow (JSON, CSV, X12 or IDoc, as the flow says)',
          description:
            'The message is stored raw before anything else, keyed by the Idempotency-Key header (default: the SHA-256 of the body); a repeat is answered with the first message and has no further effect. Answers 202 with how it was processed, or, for a batch flow with a schedule or a flow outside its integration windows, when it will be (dueAt).',
          params: z.object({ code: z.string() }),
          response: { 202: acceptedSchema },
        },
      },
      async (request, reply) => {
        const body = request.body;
        if (!Buffer.isBuffer(body) || body.length === 0)
          throw new AppError('VALIDATION_FAILED', 'The message body is empty');
        const ctx = ctxOf(request);
        const given = request.headers['idempotency-key'];
        const key =
          typeof given === 'string' && given.length > 0
            ? given
            : `sha256:${sha256Hex(body.toString('utf8'))}`;
        const accepted = await acceptInbound(deps.store, ctx, request.params.code, {
          transport: 'http',
          idempotencyKey: key,
          contentType: request.headers['content-type'] ?? 'application/octet-stream',
          body,
          receivedAt: isoTimestamp(ctx.clock),
          meta: { requestId: request.id },
        });
        return reply.code(202).send(accepted);
      },
    );

    // Webhooks from external systems: no API key, the Standard Webhooks signature with the
    // flow's secret is the proof; the webhook id is the idempotency key, so a replayed or
    // re-sent webhook is stored once and applied once.
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/webhooks/:tenant/:flow',
      {
        config: { permission: 'public' },
        schema: {
          tags,
          summary: 'Inbound webhook for a flow, verified by its Standard Webhooks signature',
          params: z.object({ tenant: z.string().max(60), flow: z.string().max(60) }),
          response: { 202: acceptedSchema },
        },
      },
      async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const tenant = await findTenantByCode(deps.store, request.params.tenant).catch(() => null);
        const secrets = tenant ? await webhookSecrets(deps.store.db, tenant.id, request.params.flow) : [];
        // One answer for unknown tenant, unknown flow, no secret and bad signature: nothing to probe.
        const verified =
          tenant && secrets.length > 0
            ? verifyWebhook({
                secrets,
                headers: request.headers,
                rawBody: body,
                now: deps.clock.now().getTime(),
              })
            : ({
                ok: false,
                code: 'WEBHOOK_SIGNATURE_INVALID',
                reason: 'no such flow, or it takes no webhooks',
              } as const);
        if (!verified.ok || !tenant) {
          throw new AppError(
            'WEBHOOK_SIGNATURE_INVALID',
            verified.ok ? 'unknown tenant' : `${verified.code}: ${verified.reason}`,
            {
              reason: verified.ok ? 'WEBHOOK_SIGNATURE_INVALID' : verified.code,
            },
          );
        }
        const ctx = {
          tenantId: tenant.id,
          actor: { kind: 'system' as const, id: `webhook:${request.params.flow}`, role: 'integration_admin' },
          clock: deps.clock,
          ids: deps.ids,
          requestId: request.id,
        };
        const accepted = await acceptInbound(deps.store, ctx, request.params.flow, {
          transport: 'http',
          idempotencyKey: `webhook:${verified.id}`,
          contentType: request.headers['content-type'] ?? 'application/octet-stream',
          body,
          receivedAt: isoTimestamp(deps.clock),
          meta: {
            webhookId: verified.id,
            webhookTimestamp: String(verified.timestamp),
            requestId: request.id,
          },
        });
        return reply.code(202).send(accepted);
      },
    );
    done();
  });

  r.get(
    '/api/v1/integration/messages',
    {
      config: { permission: 'integration:read' },
      schema: {
        tags,
        summary: 'Inbound messages, newest first',
        querystring: z.object({
          flow: z.string().optional(),
          status: z.enum(INBOX_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(inboxMessageSchema) }) },
      },
    },
    async (request) => ({
      items: await listInbox(read(request), {
        flowCode: request.query.flow,
        status: request.query.status,
        limit: request.query.limit,
      }),
    }),
  );
  r.get(
    '/api/v1/integration/messages/:id',
    {
      config: { permission: 'integration:read' },
      schema: {
        tags,
        summary: 'One inbound message and what became of it',
        params: z.object({ id: z.string() }),
        response: { 200: inboxMessageSchema },
      },
    },
    async (request) => getInboxMessage(read(request), request.params.id),
  );
  r.get(
    '/api/v1/integration/messages/:id/body',
    {
      config: { permission: 'integration:read' },
      schema: {
        tags,
        summary: 'A message’s raw body as it arrived, up to maxChars characters',
        params: z.object({ id: z.string() }),
        querystring: z.object({ maxChars: z.coerce.number().int().min(1).max(4_194_304).default(262_144) }),
        response: {
          200: z.object({
            id: z.string(),
            contentType: z.string(),
            length: z.number().describe('characters in the whole body'),
            truncated: z.boolean(),
            body: z.string(),
          }),
        },
      },
    },
    async (request) => getInboxMessageBody(read(request), request.params.id, request.query.maxChars),
  );
  r.post(
    '/api/v1/integration/messages/:id/retry',
    {
      config: { permission: 'integration:operate' },
      schema: {
        tags,
        summary: 'Send a dead or failed message through its flow again (audited)',
        params: z.object({ id: z.string() }),
        response: { 200: processOutcomeSchema },
      },
    },
    async (request) => retryInbound(deps.store, ctxOf(request), request.params.id),
  );
  r.post(
    '/api/v1/integration/messages/:id/apply-now',
    {
      config: { permission: 'integration:operate' },
      schema: {
        tags,
        summary: 'Apply a message waiting for its flow’s schedule or window now (audited, with a reason)',
        description:
          'Answers with what became of the message; a snapshot flow’s message is started in the background instead, and the answer says so (status processing, or received when this process is applying another snapshot).',
        params: z.object({ id: z.string() }),
        body: z.object({ reason: z.string().trim().min(1).max(500) }).strict(),
        // In this order: a processed message's outcome never passes for the strict deferred one.
        response: { 200: z.union([processOutcomeSchema, deferredOutcomeSchema]) },
      },
    },
    async (request) => applyInboundNow(deps.store, ctxOf(request), request.params.id, request.body.reason),
  );
  r.get(
    '/api/v1/integration/errors',
    {
      config: { permission: 'integration:read' },
      schema: {
        tags,
        summary:
          'The error log: dead and failed messages, both directions, most urgent business impact first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(integrationErrorSchema) }) },
      },
    },
    async (request) => ({
      items: await listIntegrationErrors(read(request), deps.clock, request.query.limit),
    }),
  );
  r.get(
    '/api/v1/integration/deliveries',
    {
      config: { permission: 'integration:read' },
      schema: {
        tags,
        summary: 'Outbound deliveries, newest first (pending, in_flight, delivered, dead)',
        querystring: z.object({
          flow: z.string().optional(),
          status: z.enum(DELIVERY_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ items: z.array(outboundDeliverySchema) }) },
      },
    },
    async (request) => ({
      items: await listDeliveries(read(request), {
        flowCode: request.query.flow,
        status: request.query.status,
        limit: request.query.limit,
      }),
    }),
  );
  r.post(
    '/api/v1/integration/deliveries/:id/retry',
    {
      config: { permission: 'integration:operate' },
      schema: {
        tags,
        summary: 'Send a dead delivery again, from the start of its retry schedule',
        params: z.object({ id: z.string() }),
        response: { 200: z.object({ id: z.string(), status: z.literal('pending') }) },
      },
    },
    async (request) => {
      await retryDelivery(deps.store, ctxOf(request), request.params.id);
      return { id: request.params.id, status: 'pending' as const };
    },
  );
  r.post(
    '/api/v1/integration/messages/:id/discard',
    {
      config: { permission: 'integration:operate' },
      schema: {
        tags,
        summary: 'Give up on a dead message with a reason (audited; the raw message is kept)',
        params: z.object({ id: z.string() }),
        body: z.object({ reason: z.string().trim().min(3).max(500) }),
        response: { 200: inboxMessageSchema },
      },
    },
    async (request) => discardInbound(deps.store, ctxOf(request), request.params.id, request.body.reason),
  );
}
