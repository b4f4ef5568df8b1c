import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runCommand } from '../../http/command.js';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { reader } from '../../kernel/index.js';
import { partNumberSchema } from '../catalog/index.js';
import { BUFFER_ORDER_POLICIES, BUFFER_SOURCE_KINDS } from './buffers.js';
import {
  REPLENISHMENT_STATUSES,
  bufferInputSchema,
  closeReplenishment,
  listBuffers,
  listReplenishments,
  putBuffer,
  sweepBuffers,
} from './buffers.service.js';

const projectionSchema = z.object({
  onHand: z.number(),
  reserved: z.number(),
  inbound: z.number().describe('Open replenishments on their way to the location'),
  projected: z.number().describe('onHand − reserved + inbound'),
  expectedDemand: z.number().describe('Demand rate × cycle'),
  buffer: z.number(),
  shortfall: z.number(),
});

const decisionSchema = z.object({
  trigger: z.boolean(),
  quantity: z.number(),
  projection: projectionSchema,
  reasons: z.array(z.string()),
});

const bufferSchema = z.object({
  partNumber: z.string(),
  locationCode: z.string(),
  buffer: z.number(),
  demandPerDay: z.number(),
  demandWindowDays: z.number().nullable(),
  cycleHours: z.number(),
  source: z.enum(BUFFER_SOURCE_KINDS),
  sourceLocationCode: z.string().nullable(),
  supplier: z.string().nullable(),
  orderPolicy: z.enum(BUFFER_ORDER_POLICIES),
  orderUpTo: z.number().nullable(),
  orderQuantity: z.number().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

const replenishmentSchema = z.object({
  id: z.string(),
  partNumber: z.string(),
  locationCode: z.string().describe('Where the stock goes'),
  kind: z.enum(BUFFER_SOURCE_KINDS),
  sourceLocationCode: z.string().nullable(),
  supplier: z.string().nullable(),
  quantity: z.number(),
  received: z.number().describe('Brought in by movements naming this replenishment as their reference'),
  status: z.enum(REPLENISHMENT_STATUSES),
  reasons: z.array(z.string()),
  projection: projectionSchema,
  raisedAt: z.string(),
  raisedBy: z.string(),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  closeReason: z.string().nullable(),
});

const checkSchema = z.object({
  partNumber: z.string(),
  locationCode: z.string(),
  decision: decisionSchema,
  replenishment: replenishmentSchema.nullable(),
});

const code = z.string().max(60);

/** Buffer triggers (M3.4): settings, the replenishments they raised, closing them, a sweep. */
export function registerBufferRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['inventory'];
  const read = (request: Parameters<typeof ctxOf>[0]) => reader(deps.store, ctxOf(request));

  r.put(
    '/api/v1/stock/buffers',
    {
      // Buffers are planning parameters, configuration as data like the policies.
      config: { permission: 'policy:write' },
      schema: {
        tags,
        summary: 'Set the buffer of a part at a location, and check it at once',
        description:
          'When projected available stock (on hand − reserved + open replenishments) less the demand expected before the next cycle falls below the buffer, a replenishment (a transfer from `sourceLocationCode`, or a purchase requisition) is raised and sent to subscribed flows as `inventory.replenishment_raised`. Reservations and movements at the location check it in their own unit of work (docs/decisions/0016).',
        body: bufferInputSchema,
        response: { 200: z.object({ buffer: bufferSchema, check: checkSchema.nullable() }) },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 200, (w) => putBuffer(w, request.body)),
  );
  r.get(
    '/api/v1/stock/buffers',
    {
      config: { permission: 'stock:read' },
      schema: {
        tags,
        summary: 'Buffers, each with what a check would decide now',
        querystring: z.object({
          partNumber: partNumberSchema.optional(),
          locationCode: code.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(200),
        }),
        response: {
          200: z.object({ items: z.array(bufferSchema.extend({ decision: decisionSchema.nullable() })) }),
        },
      },
    },
    async (request) => ({ items: await listBuffers(read(request), request.query) }),
  );
  r.post(
    '/api/v1/stock/buffers/sweep',
    {
      config: { permission: ['policy:write', 'stock:move'] },
      schema: {
        tags,
        summary: 'Check every active buffer now (for a scheduler)',
        description:
          'Changes the hooks cannot see (counts in bulk, snapshots, a demand window moving on) are caught here. Checking twice raises nothing twice.',
        response: { 200: z.object({ checked: z.number(), raised: z.array(replenishmentSchema) }) },
      },
    },
    async (request) => sweepBuffers(deps.store, ctxOf(request)),
  );
  r.get(
    '/api/v1/stock/replenishments',
    {
      config: { permission: 'stock:read' },
      schema: {
        tags,
        summary: 'Replenishments raised by buffer triggers, newest first',
        querystring: z.object({
          partNumber: partNumberSchema.optional(),
          locationCode: code.optional(),
          status: z.enum(REPLENISHMENT_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(replenishmentSchema) }) },
      },
    },
    async (request) => ({ items: await listReplenishments(read(request), request.query) }),
  );
  r.post(
    '/api/v1/stock/replenishments/:id/close',
    {
      config: { permission: ['stock:move', 'policy:write'] },
      schema: {
        tags,
        summary: 'Close a replenishment: received, or cancelled',
        description:
          'A movement whose `reference` is the replenishment id receives it by itself; close by hand when the stock came otherwise or will not come. Closing again the same way changes nothing.',
        params: z.object({ id: z.string().max(80) }),
        body: z
          .object({
            outcome: z.enum(['received', 'cancelled']),
            reason: z.string().trim().min(1).max(500).optional(),
          })
          .strict(),
        response: { 200: replenishmentSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) => closeReplenishment(w, request.params.id, request.body)),
  );
}
