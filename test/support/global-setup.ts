import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openStore } from '../../src/db/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null;
  }
}

const ADMIN_URL = process.env.SPAREHUB_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Makes one fresh PostgreSQL database for this run and migrates it. Under CI=true a missing
 * PostgreSQL fails the run; on a laptop without one, the PostgreSQL half is skipped, loudly.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dbName = `sparehub_test_${Date.now()}_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    if (process.env.CI === 'true') {
      throw new Error(`CI=true but PostgreSQL at ${ADMIN_URL} is not reachable: ${(error as Error).message}`);
    }
    console.warn(
      `\n*** PostgreSQL is not reachable at ${ADMIN_URL}: the PostgreSQL half of the suite is SKIPPED. ***\n`,
    );
    project.provide('pgUrl', null);
    return async () => {};
  }
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  const store = openStore({ databaseUrl: url.toString() });
  await store.migrate();
  await store.close();
  project.provide('pgUrl', url.toString());
  console.log(`PostgreSQL half runs on fresh database ${dbName}`);
  return async () => {
    if (process.env.SPAREHUB_KEEP_TEST_DB) return;
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  };
}
