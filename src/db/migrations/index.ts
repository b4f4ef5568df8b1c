import type { Migration, MigrationProvider } from 'kysely';
import * as core from './0001-core.js';

// Migrations are compiled into the bundle (not read from disk), so `npx sparehub` works anywhere.
const MIGRATIONS: Record<string, Migration> = {
  '0001-core': core,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
