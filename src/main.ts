import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { openStore, type Store } from './db/index.js';
import { buildApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { ensureDefaultTenant, registerAdminKey, type Tenant } from './modules/access/index.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { HubConfig } from './platform/config.js';
import type { Ctx } from './platform/context.js';
import { createIdGenerator, type IdGenerator } from './platform/ids.js';
import { cryptoRandom, type Random } from './platform/random.js';

export interface Hub {
  config: HubConfig;
  store: Store;
  app: FastifyInstance;
  defaultTenant: Tenant;
  clock: Clock;
  ids: IdGenerator;
  random: Random;
  /** A context for work the hub does on its own account in the default tenant. */
  systemCtx(): Ctx;
  close(): Promise<void>;
}

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Opens and migrates the store, makes sure the default tenant exists, and builds the app. */
export async function openHub(
  config: HubConfig,
  inject: { clock?: Clock; random?: Random } = {},
): Promise<Hub> {
  const clock = inject.clock ?? systemClock;
  const random = inject.random ?? cryptoRandom;
  const ids = createIdGenerator(clock, random);
  const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await store.migrate();
    const system = { actor: { kind: 'system' as const, id: 'hub', role: 'admin' }, clock, ids };
    const defaultTenant = await ensureDefaultTenant(store, system);
    const systemCtx = (): Ctx => ({ ...system, tenantId: defaultTenant.id });
    if (config.adminKey) await registerAdminKey(store, systemCtx(), config.adminKey);
    const app = await buildApp(
      { store, clock, ids, random, metrics: createMetrics() },
      { bodyLimit: config.bodyLimit, logLevel: config.logLevel, version: VERSION },
    );
    return {
      config,
      store,
      app,
      defaultTenant,
      clock,
      ids,
      random,
      systemCtx,
      async close() {
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
