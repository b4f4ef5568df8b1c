import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorFor, createAuthenticator, roleAllows, type Permission } from '../modules/access/index.js';
import { AppError } from '../platform/errors.js';
import type { HttpDeps, RoutePermission } from './context.js';

/** Every route must say what it needs; a route without a declared permission fails at start-up. */
export function registerAuth(app: FastifyInstance, deps: HttpDeps): void {
  const authenticate = createAuthenticator(deps.store);

  app.addHook('onRoute', (route) => {
    const needsDeclaration = route.url.startsWith('/api/');
    if (needsDeclaration && route.config?.permission === undefined) {
      throw new Error(`route ${route.method.toString()} ${route.url} declares no permission`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const permission: RoutePermission = request.routeOptions.config.permission ?? 'public';
    if (permission === 'public') return;
    const header = request.headers.authorization;
    if (!header) throw new AppError('AUTH_REQUIRED', 'Send an API key as "Authorization: Bearer <key>"');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new AppError('AUTH_INVALID', 'The Authorization header must be "Bearer <key>"');
    const principal = await authenticate(match[1]);
    if (!principal) throw new AppError('AUTH_INVALID', 'The API key is unknown or revoked');
    if (permission !== 'authenticated') {
      const anyOf = Array.isArray(permission) ? permission : [permission];
      if (!anyOf.some((p) => roleAllows(principal.role, p))) throw forbidden(principal.role, anyOf);
    }
    request.principal = principal;
    request.ctx = {
      tenantId: principal.tenantId,
      actor: actorFor(principal),
      clock: deps.clock,
      ids: deps.ids,
      requestId: request.id,
    };
  });

  app.addHook('preHandler', (request: FastifyRequest, _reply, done) => {
    const refine = request.routeOptions.config.refinePermission;
    const needed = refine && request.principal ? refine(request) : undefined;
    if (needed && request.principal && !roleAllows(request.principal.role, needed)) {
      done(forbidden(request.principal.role, [needed]));
      return;
    }
    done();
  });
}

function forbidden(role: string, needed: Permission[]): AppError {
  return new AppError('FORBIDDEN', `Role '${role}' lacks ${needed.join(' or ')}`, { role, required: needed });
}
