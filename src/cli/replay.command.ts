import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type { Command } from 'commander';
import pg from 'pg';
import { DEFAULT_TENANT_CODE, findTenantByCode } from '../modules/access/index.js';
import { capturedMessages, replayMessages, type ReplayReport } from '../modules/integration/index.js';
import { openCore } from '../main.js';
import type { HubConfig } from '../platform/config.js';
import { configFrom, withStoreOptions } from './options.js';

const NAME = /^[a-z0-9][a-z0-9_-]{0,40}$/;

/** Where a sandbox lives: a data directory of its own (SQLite) or a database of its own (PostgreSQL). */
function sandboxTarget(
  config: HubConfig,
  name: string,
): { dataDir?: string; databaseUrl?: string; label: string } {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    const database = `${url.pathname.slice(1)}_sbx_${name.replace(/-/g, '_')}`;
    url.pathname = `/${database}`;
    return { databaseUrl: url.toString(), label: `postgres database ${database}` };
  }
  const dataDir = join(config.dataDir, 'sandboxes', name);
  return { dataDir, label: `data directory ${dataDir}` };
}

async function adminQuery(databaseUrl: string, text: string): Promise<void> {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export function registerReplayCommands(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('separate environments copied from the store, for replays and trying mappings');

  withStoreOptions(sandbox.command('create'))
    .description(
      'copy the store into a new sandbox (SQLite: online backup; PostgreSQL: pg_dump into a new database)',
    )
    .argument('<name>', 'lower-case letters, digits, - and _')
    .action(async (name: string, opts: { dataDir?: string }) => {
      if (!NAME.test(name)) throw new Error(`sandbox name '${name}' must match ${NAME.source}`);
      const config = configFrom(opts);
      const target = sandboxTarget(config, name);
      if (config.databaseUrl && target.databaseUrl) {
        const database = new URL(target.databaseUrl).pathname.slice(1);
        await adminQuery(config.databaseUrl, `CREATE DATABASE "${database}"`);
        const dump = spawnSync(
          'sh',
          ['-c', `pg_dump --no-owner --no-privileges "$SRC" | psql -q -v ON_ERROR_STOP=1 "$DST"`],
          {
            env: { ...process.env, SRC: config.databaseUrl, DST: target.databaseUrl },
            encoding: 'utf8',
          },
        );
        if (dump.status !== 0) {
          await adminQuery(config.databaseUrl, `DROP DATABASE IF EXISTS "${database}"`);
          throw new Error(`copying the database failed: ${dump.stderr}`);
        }
      } else if (target.dataDir) {
        if (existsSync(target.dataDir)) throw new Error(`sandbox '${name}' exists (${target.dataDir})`);
        // Open the store once so a fresh data directory is migrated before it is copied.
        const core = await openCore({ ...config, logLevel: 'silent' });
        await core.close();
        mkdirSync(target.dataDir, { recursive: true });
        const source = new SqliteDatabase(join(config.dataDir, 'sparehub.db'), { readonly: true });
        try {
          await source.backup(join(target.dataDir, 'sparehub.db'));
        } finally {
          source.close();
        }
      }
      console.log(`sandbox '${name}' created: ${target.label}`);
      console.log(
        target.dataDir
          ? `serve it with: sparehub serve --data-dir ${target.dataDir}`
          : `serve it with: DATABASE_URL=${target.databaseUrl} sparehub serve`,
      );
    });

  withStoreOptions(sandbox.command('list'))
    .description('list sandboxes of this store')
    .action(async (opts: { dataDir?: string }) => {
      const config = configFrom(opts);
      if (config.databaseUrl) {
        const url = new URL(config.databaseUrl);
        const prefix = `${url.pathname.slice(1)}_sbx_`;
        url.pathname = '/postgres';
        const client = new pg.Client({ connectionString: url.toString() });
        await client.connect();
        const rows = await client.query<{ datname: string }>(
          'select datname from pg_database where datname like $1 order by 1',
          [`${prefix}%`],
        );
        await client.end();
        for (const r of rows.rows) console.log(r.datname.slice(prefix.length));
      } else {
        const dir = join(config.dataDir, 'sandboxes');
        for (const name of existsSync(dir) ? readdirSync(dir) : []) console.log(name);
      }
    });

  withStoreOptions(sandbox.command('drop'))
    .description('delete a sandbox')
    .argument('<name>')
    .action(async (name: string, opts: { dataDir?: string }) => {
      if (!NAME.test(name)) throw new Error(`sandbox name '${name}' must match ${NAME.source}`);
      const config = configFrom(opts);
      const target = sandboxTarget(config, name);
      if (config.databaseUrl && target.databaseUrl)
        await adminQuery(
          config.databaseUrl,
          `DROP DATABASE IF EXISTS "${new URL(target.databaseUrl).pathname.slice(1)}" WITH (FORCE)`,
        );
      else if (target.dataDir) rmSync(target.dataDir, { recursive: true, force: true });
      console.log(`sandbox '${name}' dropped`);
    });

  withStoreOptions(program.command('replay'))
    .description(
      'run captured inbound messages through a mapping version into a sandbox (or a rolled-back dry run) and print what would differ',
    )
    .requiredOption('--flow <code>', 'the inbound flow whose messages to replay')
    .option('--mapping-version <n>', 'the mapping version to use (default: the flow’s pinned one)')
    .option('--from <iso>', 'messages received at or after this instant')
    .option('--to <iso>', 'messages received before this instant')
    .option('--file <path>', 'replay this file as one message instead of captured ones')
    .option('--sandbox <name>', 'apply into this sandbox; without it, a dry run that changes nothing')
    .option('--tenant <code>', 'tenant code', DEFAULT_TENANT_CODE)
    .option('--json', 'print the report as JSON')
    .action(
      async (opts: {
        dataDir?: string;
        flow: string;
        mappingVersion?: string;
        from?: string;
        to?: string;
        file?: string;
        sandbox?: string;
        tenant: string;
        json?: boolean;
      }) => {
        const config = configFrom(opts);
        const production = await openCore({ ...config, logLevel: 'silent' });
        let sandboxCore: Awaited<ReturnType<typeof openCore>> | null = null;
        try {
          const tenant = await findTenantByCode(production.store, opts.tenant);
          const messages = opts.file
            ? [
                {
                  id: `file:${opts.file}`,
                  body: readFileSync(opts.file, 'utf8'),
                  receivedAt: new Date().toISOString(),
                },
              ]
            : await capturedMessages(production.store, tenant.id, opts.flow, {
                from: opts.from,
                to: opts.to,
              });
          let target = production;
          if (opts.sandbox) {
            if (!NAME.test(opts.sandbox))
              throw new Error(`sandbox name '${opts.sandbox}' must match ${NAME.source}`);
            const where = sandboxTarget(config, opts.sandbox);
            if (where.dataDir && !existsSync(join(where.dataDir, 'sparehub.db')))
              throw new Error(
                `no sandbox '${opts.sandbox}': create it with sparehub sandbox create ${opts.sandbox}`,
              );
            sandboxCore = await openCore({
              ...config,
              ...(where.dataDir ? { dataDir: where.dataDir } : { databaseUrl: where.databaseUrl }),
              logLevel: 'silent',
            });
            target = sandboxCore;
          }
          const sandboxTenant = await findTenantByCode(target.store, opts.tenant);
          const report = await replayMessages(
            target.store,
            { ...target.systemCtx(), tenantId: sandboxTenant.id },
            {
              flowCode: opts.flow,
              ...(opts.mappingVersion ? { mappingVersion: Number(opts.mappingVersion) } : {}),
              messages,
              mode: opts.sandbox ? 'sandbox' : 'dry_run',
            },
          );
          if (opts.json) console.log(JSON.stringify(report, null, 2));
          else printReport(report, opts.sandbox);
          process.exitCode = report.failed.length > 0 ? 3 : 0;
        } finally {
          await sandboxCore?.close();
          await production.close();
        }
      },
    );
}

function printReport(report: ReplayReport, sandbox: string | undefined): void {
  console.log(
    `replayed ${report.messages} message(s) of flow ${report.flow} with mapping ${report.mapping} — ${
      sandbox ? `into sandbox '${sandbox}'` : 'dry run, nothing changed'
    }: ${report.applied} applied, ${report.failed.length} failed`,
  );
  if (report.diffs.length === 0) console.log('no entity would differ');
  for (const d of report.diffs) {
    console.log(`  ${d.entity}`);
    console.log(`    before: ${JSON.stringify(d.before)}`);
    console.log(`    after:  ${JSON.stringify(d.after)}   (${d.messages.length} message(s))`);
  }
  for (const f of report.failed) console.log(`  FAILED ${f.id}: ${f.code} ${f.detail}`);
}
