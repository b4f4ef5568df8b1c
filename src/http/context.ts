import type { FastifyRequest } from 'fastify';
import type { Store } from '../db/index.js';
import type { Principal, Permission } from '../modules/access/index.js';
import type { Clock } from '../platform/clock.js';
import type { Ctx } from '../platform/context.js';
import type { IdGenerator } from '../platform/ids.js';
import type { Random } from '../platform/random.js';
import type { HubMetrics } from './metrics.js';

/** What route handlers may use; built once by buildApp. */
export interface HttpDeps {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  random: Random;
  metrics: HubMetrics;
}

/** `public`: no key needed; `authenticated`: any valid key; otherwise the scope(s), any of which suffices. */
export type RoutePermission = Permission | Permission[] | 'public' | 'authenticated';

declare module 'fastify' {
  interface FastifyContextConfig {
    permission?: RoutePermission;
    /** A finer check once the body is parsed (e.g. adjustments need stock:adjust). */
    refinePermission?: (request: FastifyRequest) => Permission | undefined;
  }
  interface FastifyRequest {
    principal?: Principal;
    ctx?: Ctx;
  }
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new Error(`route ${request.routeOptions.url ?? request.url} has no principal`);
  return request.principal;
}

export function ctxOf(request: FastifyRequest): Ctx {
  if (!request.ctx)
    throw new Error(`route ${request.routeOptions.url ?? request.url} has no authenticated context`);
  return request.ctx;
}
