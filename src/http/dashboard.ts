/**
 * The dashboard (issue 7): the React app built by Vite into dist/web, served by the hub at /.
 * It talks to the API like any client, so serving it is only static files: hashed assets
 * cached for good, index.html never, so a new build is picked up on the next load.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** dist/web beside the compiled server, or from the sources (tests run src/), dist/web at the root. */
const CANDIDATES = ['../web/', '../../dist/web/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));

export function dashboardDir(): string | null {
  return CANDIDATES.find((dir) => existsSync(`${dir}index.html`)) ?? null;
}

export async function registerDashboard(app: FastifyInstance, enabled: boolean): Promise<void> {
  const root = enabled ? dashboardDir() : null;
  if (!root) {
    // An API-only hub, or a checkout not built yet: the API docs are the front page.
    app.get('/', { config: { permission: 'public' }, schema: { hide: true } }, (_request, reply) =>
      reply.redirect('/docs'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per built file: any other path stays a problem+json 404, not the app.
    wildcard: false,
    cacheControl: false,
    index: ['index.html'],
    setHeaders(res, path) {
      res.setHeader(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}
