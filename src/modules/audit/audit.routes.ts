import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { reader } from '../../kernel/index.js';
import { auditRecordSchema, outboxEventSchema, tenantVerificationSchema } from './audit.schemas.js';
import { listAuditRecords, listEvents } from './audit.service.js';
import { verifyTenant } from './verify.js';

export function registerAuditRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'The audit trail, newest first',
        querystring: z.object({
          entityType: z.string().optional(),
          entityId: z.string().optional(),
          action: z.string().optional(),
          beforeId: z.string().optional().describe('Cursor: the id of the last record of the previous page'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ items: z.array(auditRecordSchema) }) },
      },
    },
    async (request) => ({ items: await listAuditRecords(reader(deps.store, ctxOf(request)), request.query) }),
  );

  r.post(
    '/api/v1/audit/verify',
    {
      config: { permission: 'audit:verify' },
      schema: {
        tags: ['audit'],
        summary: 'Recompute the hash chain and check every balance against the ledger',
        description:
          'Answers 200 with the report whether or not all is well: ok says which, firstBreak and mismatches say where.',
        response: { 200: tenantVerificationSchema },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const tenant = await deps.store.db
        .selectFrom('tenants')
        .select(['id', 'code'])
        .where('id', '=', ctx.tenantId)
        .executeTakeFirstOrThrow();
      return verifyTenant(deps.store.db, tenant);
    },
  );

  r.get(
    '/api/v1/events',
    {
      config: { permission: 'event:read' },
      schema: {
        tags: ['integration'],
        summary: 'Domain events written to the outbox, oldest first',
        querystring: z.object({
          type: z.string().optional(),
          afterId: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
        response: { 200: z.object({ items: z.array(outboxEventSchema) }) },
      },
    },
    async (request) => ({ items: await listEvents(reader(deps.store, ctxOf(request)), request.query) }),
  );
}
