import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runCommand } from '../../http/command.js';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { reader } from '../../kernel/index.js';
import { createPart, getPart, listParts } from './catalog.service.js';
import { createPartSchema, listPartsQuerySchema, partNumberSchema, partSchema } from './catalog.schemas.js';

export function registerCatalogRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/v1/parts',
    {
      config: { permission: 'part:write' },
      schema: {
        tags: ['catalog'],
        summary: 'Create a part',
        body: createPartSchema,
        response: { 201: partSchema },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 201, (w) => createPart(w, request.body)),
  );

  r.get(
    '/api/v1/parts',
    {
      config: { permission: 'part:read' },
      schema: {
        tags: ['catalog'],
        summary: 'List or search parts',
        querystring: listPartsQuerySchema,
        response: { 200: z.object({ items: z.array(partSchema) }) },
      },
    },
    async (request) => ({ items: await listParts(reader(deps.store, ctxOf(request)), request.query) }),
  );

  r.get(
    '/api/v1/parts/:partNumber',
    {
      config: { permission: 'part:read' },
      schema: {
        tags: ['catalog'],
        summary: 'Get a part by number',
        params: z.object({ partNumber: partNumberSchema }),
        response: { 200: partSchema },
      },
    },
    (request) => getPart(reader(deps.store, ctxOf(request)), request.params.partNumber),
  );
}
