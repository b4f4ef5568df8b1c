import type { Command } from 'commander';
import { openStore } from '../db/index.js';
import { configFrom, withStoreOptions } from './options.js';

export function registerMigrateCommand(program: Command): void {
  withStoreOptions(program.command('migrate'))
    .description('apply database migrations (serve does this on start too)')
    .action(async (opts: { dataDir?: string }) => {
      const config = configFrom(opts);
      const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const result = await store.migrate();
        const applied = result.results ?? [];
        console.log(
          applied.length === 0
            ? `${store.description}: already up to date`
            : `${store.description}: applied ${applied.map((r) => r.migrationName).join(', ')}`,
        );
      } finally {
        await store.close();
      }
    });
}
