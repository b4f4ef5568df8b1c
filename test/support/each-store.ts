import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import type { DialectName } from '../../src/db/index.js';
import { runWork } from '../../src/kernel/index.js';
import { createApiKey, createTenant, type Role } from '../../src/modules/access/index.js';
import { openHub, type Hub } from '../../src/main.js';
import { loadConfig } from '../../src/platform/config.js';
import type { Ctx } from '../../src/platform/context.js';

export const DIALECTS: DialectName[] = ['sqlite', 'postgres'];

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: any;
}

/**
 * A value as a JSON answer carries it. A route's response schema is also its serializer and
 * strips what it does not name, so an answer equal to this of what the service returned
 * has lost no field.
 */
export function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

/** A hub on one store, with a fresh tenant of its own so suites never see each other's data. */
export interface TestHub {
  dialect: DialectName;
  hub: Hub;
  tenantId: string;
  adminKey: string;
  /** A context acting as the hub itself inside this test's tenant (for factories). */
  ctx(): Ctx;
  keyFor(role: Role): Promise<string>;
  api(
    method: string,
    url: string,
    options?: { body?: unknown; key?: string | null; headers?: Record<string, string>; rawBody?: string },
  ): Promise<ApiResponse>;
}

export function pgUrl(): string | null {
  return inject('pgUrl');
}

export async function openTestHub(
  dialect: DialectName,
  tenantCode = `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`,
): Promise<TestHub & { close(): Promise<void> }> {
  let dataDir: string | undefined;
  let databaseUrl: string | undefined;
  if (dialect === 'sqlite') dataDir = mkdtempSync(join(tmpdir(), 'sparehub-test-'));
  else {
    const url = pgUrl();
    if (!url) throw new Error('PostgreSQL is not available for this run');
    databaseUrl = url;
  }
  const config = loadConfig(
    {},
    { dataDir: dataDir ?? mkdtempSync(join(tmpdir(), 'sparehub-test-')), databaseUrl, logLevel: 'silent' },
  );
  const hub = await openHub(config);
  const { tenant, adminKey } = await createTenant(hub.store, hub.systemCtx(), hub.random, {
    code: tenantCode,
    name: `Test ${tenantCode}`,
  });
  const ctx = (): Ctx => ({ ...hub.systemCtx(), tenantId: tenant.id });
  const keys = new Map<Role, string>();
  return {
    dialect,
    hub,
    tenantId: tenant.id,
    adminKey,
    ctx,
    async keyFor(role) {
      const cached = keys.get(role);
      if (cached) return cached;
      const { key } = await runWork(hub.store, ctx(), (w) =>
        createApiKey(w, hub.random, { role, name: `test ${role}` }),
      );
      keys.set(role, key);
      return key;
    },
    async api(method, url, options = {}) {
      const key = options.key === undefined ? adminKey : options.key;
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (key !== null) headers.authorization = `Bearer ${key}`;
      let payload: string | undefined = options.rawBody;
      if (options.body !== undefined) payload = JSON.stringify(options.body);
      if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
        headers['content-type'] = 'application/json';
      const res = await hub.app.inject({ method: method as 'GET', url, headers, payload });
      let body: unknown = res.body;
      try {
        body = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        // not JSON (e.g. /metrics)
      }
      return { status: res.statusCode, headers: res.headers, body };
    },
    async close() {
      await hub.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a suite once per store: SQLite always, PostgreSQL when this run has one (always in CI).
 * The suite gets a getter because the hub opens in beforeAll.
 */
export function describeEachStore(name: string, suite: (t: () => TestHub) => void): void {
  for (const dialect of DIALECTS) {
    const available = dialect === 'sqlite' || pgUrl() !== null;
    (available ? describe : describe.skip)(`${name} [${dialect}]`, () => {
      let testHub: (TestHub & { close(): Promise<void> }) | undefined;
      beforeAll(async () => {
        testHub = await openTestHub(dialect);
      });
      afterAll(async () => {
        await testHub?.close();
      });
      suite(() => {
        if (!testHub) throw new Error('test hub not open yet');
        return testHub;
      });
    });
  }
}
