import type { FastifyInstance } from 'fastify';
import { AppError } from '../platform/errors.js';
import type { HttpDeps } from './context.js';

export function registerSystemRoutes(app: FastifyInstance, deps: HttpDeps, version: string): void {
  app.get(
    '/health',
    { config: { permission: 'public' }, schema: { tags: ['system'], summary: 'The process is alive' } },
    () => ({ status: 'ok', version }),
  );

  app.get(
    '/ready',
    {
      config: { permission: 'public' },
      schema: { tags: ['system'], summary: 'The store answers: ready for traffic' },
    },
    async () => {
      try {
        await deps.store.ping();
      } catch (error) {
        throw new AppError('NOT_READY', `The store does not answer: ${(error as Error).message}`);
      }
      return { status: 'ready', store: deps.store.dialect };
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
