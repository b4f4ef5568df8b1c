import { z } from 'zod';

const envSchema = z.object({
  SPAREHUB_PG_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  SPAREHUB_PG_PREPARED_STATEMENTS: z.enum(['on', 'off']).default('on'),
  DATABASE_URL: z.string().url().optional(),
  SPAREHUB_DATA_DIR: z.string().default('./data'),
  SPAREHUB_ADMIN_KEY: z.string().min(20).optional(),
  SPAREHUB_BODY_LIMIT: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  SPAREHUB_IMPORT_LIMIT: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024 * 1024),
  SPAREHUB_NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  SPAREHUB_RELAY_CLAIM_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  SPAREHUB_SNAPSHOT_STALE_MS: z.coerce.number().int().min(1000).default(30_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  SPAREHUB_DASHBOARD: z.enum(['on', 'off']).default('on'),
});

export interface HubConfig {
  /** postgres://… selects PostgreSQL; otherwise SQLite in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  adminKey: string | undefined;
  bodyLimit: number;
  /** Largest CSV accepted by the HTTP import, in bytes (streamed, so not held in memory). */
  importLimit: number;
  /** NATS servers for flows whose transport is nats (dialled only when such a flow exists). */
  natsUrl: string;
  /** After this long, a delivery claimed by a process that died is sent again. */
  relayClaimTimeoutMs: number;
  /** A snapshot whose process sent no heartbeat (one per chunk) for this long is resumed by another. */
  snapshotStaleMs: number;
  /** Connections each hub process keeps to PostgreSQL. */
  pgPoolSize: number;
  /** Name parameterised statements on PostgreSQL (off behind a pooler without prepared statements). */
  pgPreparedStatements: boolean;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  port: number;
  host: string;
  /** Serve the built dashboard at / (off: an API-only hub, whose / shows the API docs). */
  dashboard: boolean;
}

/** Reads configuration from the environment, then applies explicit overrides (CLI flags). */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: Partial<HubConfig> = {}): HubConfig {
  const parsed = envSchema.parse(env);
  const base: HubConfig = {
    databaseUrl: parsed.DATABASE_URL,
    dataDir: parsed.SPAREHUB_DATA_DIR,
    adminKey: parsed.SPAREHUB_ADMIN_KEY,
    bodyLimit: parsed.SPAREHUB_BODY_LIMIT,
    importLimit: parsed.SPAREHUB_IMPORT_LIMIT,
    natsUrl: parsed.SPAREHUB_NATS_URL,
    relayClaimTimeoutMs: parsed.SPAREHUB_RELAY_CLAIM_TIMEOUT_MS,
    snapshotStaleMs: parsed.SPAREHUB_SNAPSHOT_STALE_MS,
    pgPoolSize: parsed.SPAREHUB_PG_POOL_SIZE,
    pgPreparedStatements: parsed.SPAREHUB_PG_PREPARED_STATEMENTS === 'on',
    logLevel: parsed.LOG_LEVEL,
    port: parsed.PORT,
    host: parsed.HOST,
    dashboard: parsed.SPAREHUB_DASHBOARD === 'on',
  };
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...base, ...defined };
}
