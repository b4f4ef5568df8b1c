import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runCommand } from '../../http/command.js';
import { ctxOf, principalOf, type HttpDeps } from '../../http/context.js';
import { reader, type Work } from '../../kernel/index.js';
import { AppError } from '../../platform/errors.js';
import { postCount } from './counts.service.js';
import {
  LOCATION_TYPES,
  countResultSchema,
  countSchema,
  createLocationSchema,
  createReservationSchema,
  ledgerLineSchema,
  ledgerQuerySchema,
  locationSchema,
  movementResultSchema,
  movementSchema,
  reasonCodeSchema,
  releaseReservationSchema,
  reservationOutcomeSchema,
  reservationQuerySchema,
  reservationSchema,
  stockQuerySchema,
  stockRowSchema,
  type MovementInput,
  type Reservation,
} from './inventory.schemas.js';
import { createLocations, getLocation, listLocations } from './locations.service.js';
import { POLICY_NAMES, getPolicy, putPolicy } from './policies.js';
import { putReasonCode, readReasonCodes } from './reason-codes.js';
import {
  createReservation,
  getReservation,
  listReservations,
  releaseReservation,
} from './reservations.service.js';
import { registerSnapshotRoutes } from './snapshot.routes.js';
import { postMovement, queryLedger, queryStock } from './stock.service.js';

const policyDocumentSchema = z.object({
  name: z.enum(POLICY_NAMES),
  version: z.number(),
  body: z.unknown(),
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});

export interface InventoryRouteHooks {
  /**
   * Runs in the reservation's unit when it pre-empted weaker reservations, for the module that
   * owns their demand (fulfillment sources a work order's line again). Given by the composition,
   * since inventory does not depend on the modules that use it.
   */
  afterPreemption?: (w: Work, preempted: Reservation[], takenBy: string) => Promise<void>;
}

export function registerInventoryRoutes(
  app: FastifyInstance,
  deps: HttpDeps,
  hooks: InventoryRouteHooks = {},
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = (request: Parameters<typeof ctxOf>[0]) => reader(deps.store, ctxOf(request));
  registerSnapshotRoutes(app, deps);

  // --- locations
  r.post(
    '/api/v1/locations',
    {
      config: { permission: 'location:write' },
      schema: {
        tags: ['inventory'],
        summary: 'Create a location in the network',
        body: createLocationSchema,
        response: { 201: locationSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 201, async (w) => (await createLocations(w, [request.body]))[0]),
  );
  r.get(
    '/api/v1/locations',
    {
      config: { permission: 'location:read' },
      schema: {
        tags: ['inventory'],
        summary: 'List locations (each with its parent: the network tree)',
        querystring: z.object({ type: z.enum(LOCATION_TYPES).optional(), region: z.string().optional() }),
        response: { 200: z.object({ items: z.array(locationSchema) }) },
      },
    },
    async (request) => ({ items: await listLocations(read(request), request.query) }),
  );
  r.get(
    '/api/v1/locations/:code',
    {
      config: { permission: 'location:read' },
      schema: {
        tags: ['inventory'],
        summary: 'Get a location',
        params: z.object({ code: z.string() }),
        response: { 200: locationSchema },
      },
    },
    (request) => getLocation(read(request), request.params.code),
  );

  // --- stock
  r.post(
    '/api/v1/stock/movements',
    {
      config: {
        permission: ['stock:move', 'stock:adjust'],
        refinePermission: (request) =>
          (request.body as MovementInput).type === 'adjustment' ? 'stock:adjust' : 'stock:move',
      },
      schema: {
        tags: ['inventory'],
        summary: 'Post a stock movement (receipt, issue, transfer, adjustment, status change)',
        description:
          'Send an Idempotency-Key header so that a retry after a lost response never posts twice.',
        body: movementSchema,
        response: { 201: movementResultSchema },
      },
    },
    async (request, reply) => {
      await runCommand(deps, request, reply, 201, (w) => postMovement(w, request.body));
      deps.metrics.movements.inc({ type: request.body.type });
    },
  );
  r.get(
    '/api/v1/stock',
    {
      config: { permission: 'stock:read' },
      schema: {
        tags: ['inventory'],
        summary: 'Stock by part, location and status: on hand, reserved, available',
        description: 'Only the statuses the caller’s role may see are returned (policy stock-visibility).',
        querystring: stockQuerySchema,
        response: { 200: z.object({ items: z.array(stockRowSchema) }) },
      },
    },
    async (request) => ({
      items: await queryStock(read(request), principalOf(request).role, request.query),
    }),
  );
  r.get(
    '/api/v1/stock/movements',
    {
      config: { permission: 'stock:read' },
      schema: {
        tags: ['inventory'],
        summary: 'The movement ledger, newest first',
        querystring: ledgerQuerySchema,
        response: { 200: z.object({ items: z.array(ledgerLineSchema) }) },
      },
    },
    async (request) => ({ items: await queryLedger(read(request), request.query) }),
  );
  r.post(
    '/api/v1/stock/counts',
    {
      config: { permission: 'stock:count' },
      schema: {
        tags: ['inventory'],
        summary: 'Post a cycle count or a technician discrepancy report',
        body: countSchema,
        response: { 201: countResultSchema },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 201, (w) => postCount(w, request.body)),
  );

  // --- reservations
  r.post(
    '/api/v1/reservations',
    {
      config: { permission: 'reservation:create' },
      schema: {
        tags: ['inventory'],
        summary: 'Reserve available stock for a demand',
        description:
          'Returns 409 INSUFFICIENT_STOCK when neither free stock nor weaker reservations (policy reservation) cover the request.',
        body: createReservationSchema,
        response: { 201: reservationOutcomeSchema },
      },
    },
    async (request, reply) => {
      try {
        await runCommand(deps, request, reply, 201, async (w) => {
          const body = request.body;
          // Alone in its unit unless it pre-empts: the fast path never does (it takes free stock only).
          const outcome = await createReservation(w, body, { onlyChange: true });
          if (outcome.preempted.length > 0 && hooks.afterPreemption)
            await hooks.afterPreemption(w, outcome.preempted, `${body.demandType} demand ${body.demandRef}`);
          return outcome;
        });
        deps.metrics.reservations.inc({ outcome: 'granted' });
      } catch (error) {
        if (error instanceof AppError && error.code === 'INSUFFICIENT_STOCK')
          deps.metrics.reservations.inc({ outcome: 'refused' });
        throw error;
      }
    },
  );
  r.get(
    '/api/v1/reservations',
    {
      config: { permission: 'reservation:read' },
      schema: {
        tags: ['inventory'],
        summary: 'List reservations',
        querystring: reservationQuerySchema,
        response: { 200: z.object({ items: z.array(reservationSchema) }) },
      },
    },
    async (request) => ({ items: await listReservations(read(request), request.query) }),
  );
  r.get(
    '/api/v1/reservations/:id',
    {
      config: { permission: 'reservation:read' },
      schema: {
        tags: ['inventory'],
        summary: 'Get a reservation',
        params: z.object({ id: z.string() }),
        response: { 200: reservationSchema },
      },
    },
    (request) => getReservation(read(request), request.params.id),
  );
  r.post(
    '/api/v1/reservations/:id/release',
    {
      config: { permission: 'reservation:release' },
      schema: {
        tags: ['inventory'],
        summary: 'Release a reservation',
        params: z.object({ id: z.string() }),
        body: releaseReservationSchema,
        response: { 200: reservationSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        releaseReservation(w, request.params.id, request.body?.reason),
      ),
  );

  // --- configuration as data
  r.get(
    '/api/v1/policies',
    {
      config: { permission: 'policy:read' },
      schema: {
        tags: ['configuration'],
        summary: 'List policies',
        response: { 200: z.object({ items: z.array(policyDocumentSchema) }) },
      },
    },
    async (request) => ({
      items: await Promise.all(POLICY_NAMES.map((n) => getPolicy(deps.store.db, ctxOf(request).tenantId, n))),
    }),
  );
  r.get(
    '/api/v1/policies/:name',
    {
      config: { permission: 'policy:read' },
      schema: {
        tags: ['configuration'],
        summary: 'Get a policy',
        params: z.object({ name: z.enum(POLICY_NAMES) }),
        response: { 200: policyDocumentSchema },
      },
    },
    (request) => getPolicy(deps.store.db, ctxOf(request).tenantId, request.params.name),
  );
  r.put(
    '/api/v1/policies/:name',
    {
      config: { permission: 'policy:write' },
      schema: {
        tags: ['configuration'],
        summary: 'Replace a policy (versioned and audited)',
        params: z.object({ name: z.enum(POLICY_NAMES) }),
        body: z
          .object({
            body: z.unknown(),
            expectedVersion: z.number().int().min(0).optional(),
            reason: z.string().max(500).optional(),
          })
          .strict(),
        response: { 200: policyDocumentSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        putPolicy(
          w,
          request.params.name,
          request.body.body,
          request.body.expectedVersion,
          request.body.reason,
        ),
      ),
  );
  r.get(
    '/api/v1/reason-codes',
    {
      config: { permission: 'stock:read' },
      schema: {
        tags: ['configuration'],
        summary: 'Reason codes for adjustments and counts',
        response: { 200: z.object({ items: z.array(reasonCodeSchema) }) },
      },
    },
    async (request) => ({ items: await readReasonCodes(read(request)) }),
  );
  r.put(
    '/api/v1/reason-codes/:code',
    {
      config: { permission: 'policy:write' },
      schema: {
        tags: ['configuration'],
        summary: 'Add or redefine a reason code',
        params: z.object({ code: z.string() }),
        body: reasonCodeSchema.omit({ code: true }).strict(),
        response: { 200: reasonCodeSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        putReasonCode(w, reasonCodeSchema.parse({ ...request.body, code: request.params.code })),
      ),
  );
}
