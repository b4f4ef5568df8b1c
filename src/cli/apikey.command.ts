import type { Command } from 'commander';
import { runWork } from '../kernel/index.js';
import {
  DEFAULT_TENANT_CODE,
  ROLES,
  createApiKey,
  findTenantByCode,
  isRole,
} from '../modules/access/index.js';
import { openCore } from '../main.js';
import { configFrom, withStoreOptions } from './options.js';

export function registerApiKeyCommand(program: Command): void {
  const apikey = program.command('apikey').description('manage API keys');
  withStoreOptions(apikey.command('create'))
    .description('create an API key and print it (it is shown only once)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--name <name>', 'a label for the key', 'created from the CLI')
    .option('--tenant <code>', 'tenant code', DEFAULT_TENANT_CODE)
    .action(async (opts: { dataDir?: string; role: string; name: string; tenant: string }) => {
      if (!isRole(opts.role)) {
        console.error(`unknown role '${opts.role}': use one of ${ROLES.join(', ')}`);
        process.exitCode = 2;
        return;
      }
      const hub = await openCore({ ...configFrom(opts), logLevel: 'warn' });
      try {
        const tenant = await findTenantByCode(hub.store, opts.tenant);
        const { key, info } = await runWork(hub.store, { ...hub.systemCtx(), tenantId: tenant.id }, (w) =>
          createApiKey(w, hub.random, { role: opts.role, name: opts.name }),
        );
        console.log(key);
        console.error(`created ${info.role} key ${info.id} (${info.prefix}…) in tenant ${tenant.code}`);
      } finally {
        await hub.close();
      }
    });
}
