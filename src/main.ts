import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from './db/index.js';
import { ensureDefaultTenant, registerAdminKey, type Tenant } from './modules/access/index.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { HubConfig } from './platform/config.js';
import type { Ctx } from './platform/context.js';
import { createIdGenerator, type IdGenerator } from './platform/ids.js';
import { cryptoRandom, type Random } from './platform/random.js';
import { VERSION } from './platform/version.js';

export interface Hub extends Core {
  app: FastifyInstance;
}

export { VERSION };

export interface Core {
  config: HubConfig;
  store: Store;
  defaultTenant: Tenant;
  clock: Clock;
  ids: IdGenerator;
  random: Random;
  /** A context for work the hub does on its own account in the default tenant. */
  systemCtx(): Ctx;
  close(): Promise<void>;
}

/** Opens and migrates the store and makes sure the default tenant exists: what every command needs. */
export async function openCore(
  config: HubConfig,
  inject: { clock?: Clock; random?: Random } = {},
): Promise<Core> {
  const clock = inject.clock ?? systemClock;
  const random = inject.random ?? cryptoRandom;
  const ids = createIdGenerator(clock, random);
  const store = openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.pgPoolSize,
    preparedStatements: config.pgPreparedStatements,
  });
  try {
    await store.migrate();
    const system = { actor: { kind: 'system' as const, id: 'hub', role: 'admin' }, clock, ids };
    const defaultTenant = await ensureDefaultTenant(store, system);
    const systemCtx = (): Ctx => ({ ...system, tenantId: defaultTenant.id });
    if (config.adminKey) await registerAdminKey(store, systemCtx(), config.adminKey);
    return { config, store, defaultTenant, clock, ids, random, systemCtx, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** The core plus the HTTP app (not listening yet). */
export async function openHub(
  config: HubConfig,
  inject: { clock?: Clock; random?: Random } = {},
): Promise<Hub> {
  const core = await openCore(config, inject);
  try {
    // Loaded here, not at the top: commands that only need the core (import, verify…) skip
    // the HTTP server and every route's modules.
    const [{ buildApp }, { createMetrics }] = await Promise.all([
      import('./http/app.js'),
      import('./http/metrics.js'),
    ]);
    const app = await buildApp(
      { store: core.store, clock: core.clock, ids: core.ids, random: core.random, metrics: createMetrics() },
      {
        bodyLimit: config.bodyLimit,
        importLimit: config.importLimit,
        logLevel: config.logLevel,
        version: VERSION,
        dashboard: config.dashboard,
      },
    );
    return {
      ...core,
      app,
      async close() {
        await app.close();
        await core.close();
      },
    };
  } catch (error) {
    await core.close();
    throw error;
  }
}
