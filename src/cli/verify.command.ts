import type { Command } from 'commander';
import { openStore } from '../db/index.js';
import { verifyTenant } from '../modules/audit/index.js';
import { configFrom, withStoreOptions } from './options.js';

export function registerVerifyCommand(program: Command): void {
  withStoreOptions(program.command('verify'))
    .description(
      'recompute the audit hash chain and check every balance against the ledger; exit 0 only when all holds',
    )
    .option('--json', 'print the full report as JSON')
    .action(async (opts: { dataDir?: string; json?: boolean }) => {
      const config = configFrom(opts);
      const store = openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      let ok = true;
      try {
        await store.migrate();
        const tenants = await store.db
          .selectFrom('tenants')
          .select(['id', 'code'])
          .orderBy('created_at')
          .execute();
        const reports = [];
        for (const tenant of tenants) {
          const report = await verifyTenant(store.db, tenant);
          reports.push(report);
          ok &&= report.ok;
          if (opts.json) continue;
          const chain = report.chain.firstBreak
            ? `BROKEN on chain ${report.chain.firstBreak.shard} at record ${report.chain.firstBreak.seq}${report.chain.firstBreak.recordId ? ` (${report.chain.firstBreak.recordId})` : ''}: ${report.chain.firstBreak.problem}`
            : `intact (${report.chain.records} records on ${report.chain.chains} chain${report.chain.chains === 1 ? '' : 's'})`;
          console.log(`tenant ${tenant.code}: audit chain ${chain}`);
          console.log(
            `tenant ${tenant.code}: ledger ${report.ledger.mismatches.length === 0 ? 'agrees' : 'DISAGREES'} (${report.ledger.balancesChecked} balances, ${report.ledger.trackedChecked} serial/lot rows)`,
          );
          for (const m of report.ledger.mismatches.slice(0, 20)) {
            console.log(
              `  ${m.kind} part ${m.partId} at ${m.locationId} ${m.status}: ${m.detail} (recorded ${m.recorded / 1000}, expected ${m.expected / 1000})`,
            );
          }
        }
        if (opts.json)
          console.log(JSON.stringify({ ok, store: store.description, tenants: reports }, null, 2));
        else console.log(ok ? `verify: OK (${store.description})` : `verify: FAILED (${store.description})`);
      } finally {
        await store.close();
      }
      process.exitCode = ok ? 0 : 1;
    });
}
