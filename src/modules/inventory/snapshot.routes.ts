import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { reader } from '../../kernel/index.js';
import { getSnapshot, listSnapshotLines, listSnapshots } from './snapshot.service.js';

const countsSchema = z.object({
  lines: z.number(),
  matched: z.number(),
  adjusted: z.number(),
  reported: z.number(),
  rejected: z.number(),
  ignored: z.number(),
  zeroed: z.number(),
  preempted: z.number(),
});

/** A snapshot as the API shows it; also part of an inbound message's outcome. */
export const snapshotSchema = z.object({
  id: z.string(),
  messageId: z.string().describe('the inbound message that carried the snapshot'),
  flowCode: z.string(),
  documentId: z.string(),
  mode: z.enum(['apply', 'report']),
  scope: z.enum(['full', 'partial']),
  reasonCode: z.string(),
  status: z.enum(['running', 'completed']),
  chunksDone: z.number(),
  counts: countsSchema,
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});

const ACTIONS = ['adjusted', 'reported', 'rejected', 'zeroed'] as const;

const snapshotLineSchema = z.object({
  chunk: z.number(),
  ref: z.string().describe('where the line is in the raw message'),
  partNumber: z.string(),
  locationCode: z.string(),
  hubQuantity: z.number().nullable().describe('what the hub had, in the base unit'),
  countedQuantity: z.number().nullable().describe('what the sender counted, in the base unit'),
  action: z.enum([...ACTIONS, 'matched', 'ignored']),
  code: z.string().nullable(),
  detail: z.string(),
});

/** Inventory snapshots (M8.3) and their reconciliation (M7.2): read-only; flows create them. */
export function registerSnapshotRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = (request: Parameters<typeof ctxOf>[0]) => reader(deps.store, ctxOf(request));
  r.get(
    '/api/v1/stock/snapshots',
    {
      config: { permission: 'stock:read' },
      schema: {
        tags: ['inventory'],
        summary: 'Inventory snapshots received through snapshot flows, newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ items: z.array(snapshotSchema) }) },
      },
    },
    async (request) => ({ items: await listSnapshots(read(request), request.query) }),
  );
  r.get(
    '/api/v1/stock/snapshots/:id',
    {
      config: { permission: 'stock:read' },
      schema: {
        tags: ['inventory'],
        summary: 'One snapshot: progress (chunks done) and reconciliation totals',
        params: z.object({ id: z.string() }),
        response: { 200: snapshotSchema },
      },
    },
    async (request) => getSnapshot(read(request), request.params.id),
  );
  r.get(
    '/api/v1/stock/snapshots/:id/lines',
    {
      config: { permission: 'stock:read' },
      schema: {
        tags: ['inventory'],
        summary: 'The lines where the sender and the hub disagreed, or that were refused, in file order',
        params: z.object({ id: z.string() }),
        querystring: z.object({
          action: z.enum(ACTIONS).optional(),
          limit: z.coerce.number().int().min(1).max(5000).default(500),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: { 200: z.object({ items: z.array(snapshotLineSchema) }) },
      },
    },
    async (request) => ({
      items: await listSnapshotLines(read(request), request.params.id, request.query),
    }),
  );
}
