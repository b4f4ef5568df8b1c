import { createReadStream, createWriteStream, statSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { DEFAULT_TENANT_CODE, findTenantByCode } from '../modules/access/index.js';
import { IMPORT_KINDS, exportCsv, importCsv, type ImportKind } from '../modules/catalog/index.js';
import { openCore } from '../main.js';
import { configFrom, withStoreOptions } from './options.js';

function progressBar(done: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}%`;
}

export function registerImportCommands(program: Command): void {
  withStoreOptions(program.command('import'))
    .description('import parts or cross-references from CSV (streamed; bad rows go to a rejects file)')
    .argument('<kind>', `one of ${IMPORT_KINDS.join(', ')}`)
    .argument('<file>', 'CSV file with a header row')
    .option('--map <mapping>', 'column mapping, e.g. partNumber=Material,description=Text')
    .option('--rejects <file>', 'where to write rejected rows (default: <file>.rejects.csv)')
    .option('--batch <rows>', 'rows per transaction', '2000')
    .option('--tenant <code>', 'tenant code', DEFAULT_TENANT_CODE)
    .action(
      async (
        kind: string,
        file: string,
        opts: { dataDir?: string; map?: string; rejects?: string; batch: string; tenant: string },
      ) => {
        if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
          console.error(`unknown kind '${kind}': use ${IMPORT_KINDS.join(' or ')}`);
          process.exitCode = 2;
          return;
        }
        // A file that is not there fails here, before the store is opened (or created).
        const total = statSync(file).size;
        const hub = await openCore({ ...configFrom(opts), logLevel: 'warn' });
        const rejectsPath = opts.rejects ?? `${file}.rejects.csv`;
        const rejects = createWriteStream(rejectsPath);
        let wroteHeader = false;
        const tty = process.stderr.isTTY;
        try {
          const tenant = await findTenantByCode(hub.store, opts.tenant);
          const summary = await importCsv(
            hub.store,
            { ...hub.systemCtx(), tenantId: tenant.id },
            createReadStream(file),
            {
              kind: kind as ImportKind,
              mapping: opts.map,
              batchSize: Number(opts.batch),
              onReject: (r) => {
                const fields = Object.keys(r.record);
                if (!wroteHeader) {
                  rejects.write(stringify([['_line', '_code', '_reason', ...fields]]));
                  wroteHeader = true;
                }
                rejects.write(
                  stringify([[String(r.line), r.code, r.reason, ...fields.map((f) => r.record[f] ?? '')]]),
                );
              },
              onProgress: (s) => {
                const rate = Math.round(s.rows / Math.max(0.001, s.durationMs / 1000));
                const line = `${progressBar(s.bytesRead, total)} ${s.rows} rows, ${s.created} new, ${s.unchanged} unchanged, ${s.rejected} rejected, ${rate} rows/s`;
                process.stderr.write(tty ? `\r${line}` : `${line}\n`);
              },
            },
          );
          if (tty) process.stderr.write('\n');
          console.log(
            `imported ${kind}: ${summary.rows} rows in ${(summary.durationMs / 1000).toFixed(1)} s — ${summary.created} new, ${summary.unchanged} unchanged, ${summary.rejected} rejected${summary.conflicts ? ` (${summary.conflicts} cross-reference conflicts recorded)` : ''}`,
          );
          if (summary.rejected > 0) console.log(`rejected rows with their reasons: ${rejectsPath}`);
          process.exitCode = summary.rejected > 0 ? 3 : 0;
        } finally {
          await new Promise<void>((resolve) => rejects.end(resolve));
          await hub.close();
        }
      },
    );

  withStoreOptions(program.command('export'))
    .description('export parts or cross-references as CSV (the import layout)')
    .argument('<kind>', `one of ${IMPORT_KINDS.join(', ')}`)
    .option('--out <file>', 'write to a file instead of standard output')
    .option('--tenant <code>', 'tenant code', DEFAULT_TENANT_CODE)
    .action(async (kind: string, opts: { dataDir?: string; out?: string; tenant: string }) => {
      if (!(IMPORT_KINDS as readonly string[]).includes(kind)) {
        console.error(`unknown kind '${kind}': use ${IMPORT_KINDS.join(' or ')}`);
        process.exitCode = 2;
        return;
      }
      const hub = await openCore({ ...configFrom(opts), logLevel: 'warn' });
      try {
        const tenant = await findTenantByCode(hub.store, opts.tenant);
        const out = opts.out ? createWriteStream(opts.out) : process.stdout;
        try {
          const count = await exportCsv(hub.store, tenant.id, kind as ImportKind, out);
          if (opts.out) console.error(`exported ${count} ${kind} to ${opts.out}`);
        } catch (error) {
          // The reader stopped reading (`sparehub export parts | head`): it has what it wanted.
          if (!opts.out && (error as NodeJS.ErrnoException).code === 'EPIPE') return;
          throw error;
        }
      } finally {
        await hub.close();
      }
    });
}
