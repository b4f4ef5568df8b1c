import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../platform/errors.js';
import type { HttpDeps } from './context.js';
import { problemSchema } from './problem.js';

export function registerSystemRoutes(app: FastifyInstance, deps: HttpDeps, version: string): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/health',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['system'],
        summary: 'The process is alive',
        response: {
          200: z.object({ status: z.literal('ok'), version: z.string().describe('the hub’s version') }),
        },
      },
    },
    () => ({ status: 'ok' as const, version }),
  );

  r.get(
    '/ready',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['system'],
        summary: 'The store answers: ready for traffic',
        description:
          'Answers 503 when the store does not (a NOT_READY problem), and while the hub shuts down (then Fastify’s own {error, message, statusCode}).',
        response: {
          200: z.object({ status: z.literal('ready'), store: z.enum(['sqlite', 'postgres']) }),
          503: problemSchema,
        },
      },
    },
    async () => {
      try {
        await deps.store.ping();
      } catch (error) {
        throw new AppError('NOT_READY', `The store does not answer: ${(error as Error).message}`);
      }
      return { status: 'ready' as const, store: deps.store.dialect };
    },
  );

  app.get(
    '/metrics',
    { config: { permission: 'public' }, schema: { hide: true } },
    async (_request, reply) => {
      const body = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(body);
    },
  );
}
