import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runCommand } from '../../http/command.js';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { reader } from '../../kernel/index.js';
import { AppError } from '../../platform/errors.js';
import {
  DEFAULT_TENANT_CODE,
  createApiKey,
  createTenant,
  listApiKeys,
  listTenants,
  revokeApiKey,
} from './access.service.js';
import { ROLES, ROLE_PERMISSIONS } from './permissions.js';

const apiKeyInfoSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: z.enum(ROLES),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
const tenantSchema = z.object({ id: z.string(), code: z.string(), name: z.string(), createdAt: z.string() });

export function registerAccessRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/me',
    {
      config: { permission: 'authenticated' },
      schema: {
        tags: ['access'],
        summary: 'Who the key belongs to and what it may do',
        response: {
          200: z.object({
            tenantId: z.string(),
            keyId: z.string(),
            role: z.enum(ROLES),
            permissions: z.array(z.string()),
          }),
        },
      },
    },
    (request) => {
      const p = request.principal;
      if (!p) throw new AppError('AUTH_REQUIRED', 'No API key');
      return Promise.resolve({ ...p, permissions: [...ROLE_PERMISSIONS[p.role]] });
    },
  );

  r.post(
    '/api/v1/api-keys',
    {
      config: { permission: 'apikey:manage' },
      schema: {
        tags: ['access'],
        summary: 'Create an API key for a role in the caller’s tenant (the key is shown once)',
        body: z.object({ role: z.enum(ROLES), name: z.string().trim().min(1).max(100) }).strict(),
        response: { 201: z.object({ key: z.string(), info: apiKeyInfoSchema }) },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 201, (w) => createApiKey(w, deps.random, request.body)),
  );
  r.get(
    '/api/v1/api-keys',
    {
      config: { permission: 'apikey:read' },
      schema: {
        tags: ['access'],
        summary: 'List API keys (never the keys themselves)',
        response: { 200: z.object({ items: z.array(apiKeyInfoSchema) }) },
      },
    },
    async (request) => ({ items: await listApiKeys(reader(deps.store, ctxOf(request))) }),
  );
  r.post(
    '/api/v1/api-keys/:id/revoke',
    {
      config: { permission: 'apikey:manage' },
      schema: {
        tags: ['access'],
        summary: 'Revoke an API key',
        params: z.object({ id: z.string() }),
        response: { 200: apiKeyInfoSchema },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 200, (w) => revokeApiKey(w, request.params.id)),
  );

  // Tenants are managed from the default tenant only: a tenant's admin cannot see or make others.
  r.post(
    '/api/v1/tenants',
    {
      config: { permission: 'tenant:manage' },
      schema: {
        tags: ['access'],
        summary: 'Create a tenant with its first admin key (default tenant admins only)',
        body: z
          .object({ code: z.string().regex(/^[a-z0-9-]{2,40}$/), name: z.string().trim().min(1).max(200) })
          .strict(),
        response: { 201: z.object({ tenant: tenantSchema, adminKey: z.string() }) },
      },
    },
    async (request, reply) => {
      await requireDefaultTenant(deps, ctxOf(request).tenantId);
      const result = await createTenant(deps.store, ctxOf(request), deps.random, request.body);
      return reply.code(201).send(result);
    },
  );
  r.get(
    '/api/v1/tenants',
    {
      config: { permission: 'tenant:manage' },
      schema: {
        tags: ['access'],
        summary: 'List tenants (default tenant admins only)',
        response: { 200: z.object({ items: z.array(tenantSchema) }) },
      },
    },
    async (request) => {
      await requireDefaultTenant(deps, ctxOf(request).tenantId);
      return { items: await listTenants(deps.store) };
    },
  );
}

async function requireDefaultTenant(deps: HttpDeps, tenantId: string): Promise<void> {
  const row = await deps.store.db
    .selectFrom('tenants')
    .select('code')
    .where('id', '=', tenantId)
    .executeTakeFirst();
  if (row?.code !== DEFAULT_TENANT_CODE)
    throw new AppError('FORBIDDEN', 'Only admins of the default tenant manage tenants');
}
