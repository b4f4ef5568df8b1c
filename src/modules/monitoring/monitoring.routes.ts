import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { reader } from '../../kernel/index.js';
import { SYSTEM_HEALTHS } from './kpis.js';
import { serviceKpis } from './kpis.service.js';

const latencySchema = z.object({
  count: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});

const kpisSchema = z.object({
  generatedAt: z.string(),
  from: z.string().describe('start of the window: midnight UTC, `days − 1` days before today'),
  to: z.string(),
  latency: latencySchema.describe(
    'work order created in the FSM → its stock reserved, for work orders in the window',
  ),
  fillRate: z
    .object({ lines: z.number(), filled: z.number(), ratio: z.number().nullable() })
    .describe('work order lines whose whole quantity was sourced from stock the network holds'),
  backorders: z
    .number()
    .describe('open work orders backordered, or with a requisition the ERP backordered, now'),
  openRequisitions: z
    .number()
    .describe(
      'work order requisitions not yet shipped, rejected or cancelled, plus open buffer replenishments, now',
    ),
  reservations: z.object({ open: z.number(), quantity: z.number().describe('in base units') }),
  systems: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      kind: z.string(),
      health: z.enum(SYSTEM_HEALTHS),
      reasons: z.array(z.string()),
      received: z.number().describe('inbound messages received in the window'),
      failed: z.number().describe('of those, failed or dead'),
      dead: z.number().describe('dead letters waiting now, both directions'),
      delivered: z.number().describe('outbound deliveries made in the window'),
      deliveryFailed: z.number().describe('outbound deliveries retrying or dead now'),
      lastMessageAt: z.string().nullable(),
    }),
  ),
  daily: z.array(
    z.object({
      day: z.string(),
      workOrders: z.number(),
      p50Ms: z.number().nullable(),
      p95Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
      fillRate: z.number().nullable(),
      messagesIn: z.number(),
      messagesFailed: z.number(),
      deliveries: z.number(),
      deliveriesFailed: z.number(),
      reservationsMade: z.number(),
    }),
  ),
});

/** The service KPIs (M7.1) for the dashboard's overview. */
export function registerMonitoringRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/kpis',
    {
      config: { permission: 'kpi:read' },
      schema: {
        tags: ['monitoring'],
        summary:
          'Service KPIs now and per day: latency, fill rate, backorders, requisitions, reservations, sync health',
        querystring: z.object({ days: z.coerce.number().int().min(1).max(90).default(14) }),
        response: { 200: kpisSchema },
      },
    },
    async (request) => serviceKpis(reader(deps.store, ctxOf(request)), request.query),
  );
}
