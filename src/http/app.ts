import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { registerAccessRoutes } from '../modules/access/index.js';
import { registerAuditRoutes } from '../modules/audit/index.js';
import {
  registerCatalogRoutes,
  registerGovernanceRoutes,
  registerImportRoutes,
  registerReferenceRoutes,
} from '../modules/catalog/index.js';
import {
  registerBufferRoutes,
  registerInventoryRoutes,
  registerKitRoutes,
} from '../modules/inventory/index.js';
import { registerMonitoringRoutes } from '../modules/monitoring/index.js';
import { registerPlanningRoutes } from '../modules/planning/index.js';
import { registerFulfillmentRoutes, resourcePreemptedLines } from '../modules/fulfillment/index.js';
import { loggerOptions } from '../platform/logger.js';
import { registerAuth } from './auth.js';
import { registerDashboard } from './dashboard.js';
import { registerIntegrationRoutes } from '../modules/integration/index.js';
import type { HttpDeps } from './context.js';
import { registerErrorHandling } from './errors.js';
import { registerSystemRoutes } from './system.routes.js';

export interface AppOptions {
  bodyLimit: number;
  importLimit: number;
  logLevel: string;
  version: string;
  /** Serve the dashboard at / when it has been built (default on). */
  dashboard?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Builds the HTTP app without listening, so tests can use inject() or a real socket. */
export async function buildApp(deps: HttpDeps, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(options.logLevel),
    bodyLimit: options.bodyLimit,
    // A caller's request id is kept so one id follows a request across systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : deps.ids.next('req');
    },
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);

  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'sparehub API',
        version: options.version,
        description:
          'Service parts integration hub. Authenticate with `Authorization: Bearer <api key>`. Errors are RFC 9457 problem details with a stable `code` (docs/errors.md). POST commands accept an `Idempotency-Key` header.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  // swagger-ui's own routes are public documentation.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...route.config, permission: 'public' };
  });

  registerAuth(app, deps);
  await registerDashboard(app, options.dashboard ?? true);
  registerSystemRoutes(app, deps, options.version);
  registerAccessRoutes(app, deps);
  registerCatalogRoutes(app, deps);
  registerReferenceRoutes(app, deps);
  registerGovernanceRoutes(app, deps);
  registerImportRoutes(app, deps, { maxBytes: options.importLimit });
  registerIntegrationRoutes(app, deps, { maxMessageBytes: options.importLimit });
  registerInventoryRoutes(app, deps, { afterPreemption: resourcePreemptedLines });
  registerBufferRoutes(app, deps);
  registerKitRoutes(app, deps);
  registerFulfillmentRoutes(app, deps);
  registerPlanningRoutes(app, deps);
  registerAuditRoutes(app, deps);
  registerMonitoringRoutes(app, deps);
  return app;
}
