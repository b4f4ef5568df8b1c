import type { Command } from 'commander';
import { seedDemo } from '../demo/seed.js';
import { startSchedulers } from '../schedulers.js';
import { openHub } from '../main.js';
import { configFrom, withStoreOptions } from './options.js';

export function registerServeCommand(program: Command): void {
  withStoreOptions(program.command('serve'))
    .description('start the hub (HTTP API, docs at /docs)')
    .option('--port <port>', 'port to listen on (PORT, default 3000; 0 picks a free one)')
    .option('--host <host>', 'address to bind (HOST, default 127.0.0.1)')
    .option('--demo', 'seed the demo company on first start and print its API keys')
    .action(async (opts: { dataDir?: string; port?: string; host?: string; demo?: boolean }) => {
      const config = configFrom(opts);
      const hub = await openHub(config);
      if (opts.demo) {
        const started = Date.now();
        const summary = await seedDemo(hub, { keysDir: config.dataDir });
        if (summary.seeded) {
          console.log(
            `Seeded the demo company in ${((Date.now() - started) / 1000).toFixed(1)} s: ${summary.parts} parts, ${summary.locations} locations, ${summary.movements} movements, ${summary.reservations} open reservations.`,
          );
        }
        console.log(`Demo API keys (also in ${summary.keysFile}):`);
        for (const [role, key] of Object.entries(summary.keys)) console.log(`  ${role.padEnd(18)} ${key}`);
      }
      const address = await hub.app.listen({ port: config.port, host: config.host });
      console.log(`sparehub ${hub.store.dialect} listening on ${address} — API docs at ${address}/docs`);
      const stopSchedulers = startSchedulers(hub);
      let closing = false;
      const shutdown = (signal: string) => {
        if (closing) return;
        closing = true;
        hub.app.log.info({ signal }, 'shutting down');
        stopSchedulers()
          .then(() => hub.close())
          .then(
            () => process.exit(0),
            () => process.exit(1),
          );
      };
      process.on('SIGINT', () => shutdown('SIGINT'));
      process.on('SIGTERM', () => shutdown('SIGTERM'));
    });
}
