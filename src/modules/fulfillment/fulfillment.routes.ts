import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runCommand } from '../../http/command.js';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { reader } from '../../kernel/index.js';
import { workOrderInputSchema, workOrderSchema } from './fulfillment.schemas.js';
import { cancelWorkOrder, getWorkOrder, listWorkOrders, receiveWorkOrder } from './work-orders.service.js';

/** Work orders (issue 5): sourced on arrival, their stock reserved, requisitions raised. */
export function registerFulfillmentRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fulfillment'];
  r.post(
    '/api/v1/work-orders',
    {
      config: { permission: 'workorder:create' },
      schema: {
        tags,
        summary: 'Receive a work order: source its parts, reserve them, raise requisitions',
        description:
          'The technician’s van first, then forward stocking locations, regional warehouses, the central DC, then a purchase (docs/decisions/0012). Stock is reserved where the plan takes it; whatever must move, be bought or wait becomes a requisition, sent to subscribed flows as `fulfillment.requisition_raised`. A work order number already received answers with the work order as it is.',
        body: workOrderInputSchema,
        response: { 201: workOrderSchema },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 201, (w) => receiveWorkOrder(w, request.body)),
  );
  r.post(
    '/api/v1/work-orders/:externalRef/cancel',
    {
      config: { permission: 'workorder:create' },
      schema: {
        tags,
        summary: 'Cancel a work order: release its reservations, cancel its requisitions',
        description:
          'Open reservations of its lines are released and raised requisitions cancelled (each sent as `fulfillment.requisition_cancelled`). Cancelling twice changes nothing.',
        params: z.object({ externalRef: z.string().max(100) }),
        body: z.object({ reason: z.string().trim().min(1).max(500) }).strict(),
        response: { 200: workOrderSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        cancelWorkOrder(w, request.params.externalRef, request.body.reason),
      ),
  );
  r.get(
    '/api/v1/work-orders',
    {
      config: { permission: 'workorder:read' },
      schema: {
        tags,
        summary: 'Work orders, newest first, with their plans and requisitions',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(workOrderSchema) }) },
      },
    },
    async (request) => ({ items: await listWorkOrders(reader(deps.store, ctxOf(request)), request.query) }),
  );
  r.get(
    '/api/v1/work-orders/:externalRef',
    {
      config: { permission: 'workorder:read' },
      schema: {
        tags,
        summary: 'A work order with its sourcing plan, reasons and requisitions',
        params: z.object({ externalRef: z.string().max(100) }),
        response: { 200: workOrderSchema },
      },
    },
    async (request) => getWorkOrder(reader(deps.store, ctxOf(request)), request.params.externalRef),
  );
}
