import type { Command } from 'commander';
import { seedDemo } from '../demo/seed.js';
import { openHub } from '../main.js';
import { configFrom, withStoreOptions } from './options.js';

export function registerDemoCommand(program: Command): void {
  withStoreOptions(program.command('demo'))
    .description('seed the demo company into the store (once) and print its API keys')
    .action(async (opts: { dataDir?: string }) => {
      const config = configFrom(opts);
      const hub = await openHub({ ...config, logLevel: 'warn' });
      try {
        const summary = await seedDemo(hub, { keysDir: config.dataDir });
        console.log(
          summary.seeded
            ? `Seeded: ${summary.parts} parts, ${summary.locations} locations, ${summary.movements} movements, ${summary.reservations} reservations`
            : `Already seeded (${summary.parts} parts)`,
        );
        for (const [role, key] of Object.entries(summary.keys)) console.log(`  ${role.padEnd(18)} ${key}`);
      } finally {
        await hub.close();
      }
    });
}
