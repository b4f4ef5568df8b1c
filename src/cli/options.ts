import type { Command } from 'commander';
import { loadConfig, type HubConfig } from '../platform/config.js';

export function withStoreOptions(cmd: Command): Command {
  return cmd.option('--data-dir <dir>', 'where the embedded store keeps its files (SPAREHUB_DATA_DIR)');
}

export function configFrom(opts: { dataDir?: string; port?: string; host?: string }): HubConfig {
  return loadConfig(process.env, {
    dataDir: opts.dataDir,
    port: opts.port === undefined ? undefined : Number(opts.port),
    host: opts.host,
  });
}
