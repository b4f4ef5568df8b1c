import { Transform, type Readable, type Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import type { Database, Store } from '../../../db/index.js';
import { runWork, type Reader } from '../../../kernel/index.js';
import { isoTimestamp } from '../../../platform/clock.js';
import { actorLabel, type Ctx } from '../../../platform/context.js';
import { AppError, isAppError } from '../../../platform/errors.js';
import {
  emptyImportSummary,
  importCsv,
  type ImportKind,
  type ImportSummary,
  type Reject,
} from './import.service.js';

export const IMPORT_JOB_STATES = ['running', 'completed', 'failed', 'interrupted'] as const;
export type ImportJobState = (typeof IMPORT_JOB_STATES)[number];

export interface ImportJob {
  id: string;
  kind: ImportKind;
  state: ImportJobState;
  fileName: string | null;
  mapping: string | null;
  bytesRead: number;
  rows: number;
  created: number;
  unchanged: number;
  rejected: number;
  conflicts: number;
  batches: number;
  error: { code: string; detail: string } | null;
  createdBy: string;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

type JobRow = Database['import_jobs'];

function toJob(row: JobRow): ImportJob {
  return {
    id: row.id,
    kind: row.kind as ImportKind,
    state: row.state as ImportJobState,
    fileName: row.file_name,
    mapping: row.mapping,
    bytesRead: Number(row.bytes_read),
    rows: Number(row.rows),
    created: Number(row.created),
    unchanged: Number(row.unchanged),
    rejected: Number(row.rejected),
    conflicts: Number(row.conflicts),
    batches: Number(row.batches),
    error: row.error_code ? { code: row.error_code, detail: row.error_detail ?? '' } : null,
    createdBy: row.created_by,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

export interface ImportJobOptions {
  kind: ImportKind;
  mapping?: string | undefined;
  fileName?: string | undefined;
  batchSize?: number | undefined;
  /** Refuse the upload once it is larger than this many bytes. */
  maxBytes: number;
  /** Called after each batch commits, with the job as stored. */
  onProgress?: (job: ImportJob) => void;
}

/**
 * Runs an import of an uploaded CSV stream as a job: the job row shows progress after every
 * committed batch (so anyone can watch it), rejected rows are kept with the job, and the
 * job ends completed or failed with a coded reason. Data already committed stays: a failed
 * upload can be sent again, and rows that landed count as unchanged the second time.
 */
export async function runImportJob(
  store: Store,
  ctx: Ctx,
  source: Readable,
  options: ImportJobOptions,
): Promise<ImportJob> {
  const id = ctx.ids.next('ijb');
  const started = isoTimestamp(ctx.clock);
  await store.db
    .insertInto('import_jobs')
    .values({
      id,
      tenant_id: ctx.tenantId,
      kind: options.kind,
      state: 'running',
      file_name: options.fileName ?? null,
      mapping: options.mapping ?? null,
      bytes_read: 0,
      rows: 0,
      created: 0,
      unchanged: 0,
      rejected: 0,
      conflicts: 0,
      batches: 0,
      error_code: null,
      error_detail: null,
      created_by: actorLabel(ctx.actor),
      started_at: started,
      updated_at: started,
      finished_at: null,
    })
    .execute();

  let bytesRead = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytesRead += chunk.length;
      if (bytesRead > options.maxBytes) {
        done(
          new AppError(
            'PAYLOAD_TOO_LARGE',
            `The upload is larger than the import limit of ${options.maxBytes} bytes (SPAREHUB_IMPORT_LIMIT)`,
          ),
        );
        return;
      }
      done(null, chunk);
    },
  });
  source.on('error', (error) => counter.destroy(error));
  let pendingRejects: Reject[] = [];

  // Progress and the rejects seen so far are written together after each committed batch.
  const record = async (summary: ImportSummary, end?: { state: ImportJobState; error?: AppError }) => {
    const rejects = pendingRejects;
    pendingRejects = [];
    const now = isoTimestamp(ctx.clock);
    await runWork(store, ctx, async (w) => {
      for (let i = 0; i < rejects.length; i += 200) {
        await w.trx
          .insertInto('import_rejects')
          .values(
            rejects.slice(i, i + 200).map((r) => ({
              job_id: id,
              line: r.line,
              code: r.code,
              reason: r.reason,
              record_json: JSON.stringify(r.record),
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      await w.trx
        .updateTable('import_jobs')
        .set({
          bytes_read: bytesRead,
          rows: summary.rows,
          created: summary.created,
          unchanged: summary.unchanged,
          rejected: summary.rejected,
          conflicts: summary.conflicts,
          batches: summary.batches,
          updated_at: now,
          ...(end
            ? {
                state: end.state,
                finished_at: now,
                error_code: end.error?.code ?? null,
                error_detail: end.error?.message ?? null,
              }
            : {}),
        })
        .where('id', '=', id)
        .execute();
    });
    const job = await requireImportJob(store.db, ctx.tenantId, id);
    options.onProgress?.(job);
    return job;
  };

  let latest = emptyImportSummary(options.kind);
  // Progress writes are chained so they land in order even though batches do not wait for them.
  let progress = Promise.resolve();
  try {
    latest = await importCsv(store, ctx, source.pipe(counter), {
      kind: options.kind,
      mapping: options.mapping,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      onReject: (r) => pendingRejects.push(r),
      onProgress: (summary) => {
        latest = summary;
        progress = progress.then(() => record(summary).then(() => undefined));
      },
    });
    await progress;
    return await record(latest, { state: 'completed' });
  } catch (error) {
    await progress.catch(() => undefined);
    const failure = isAppError(error)
      ? error
      : new AppError('IMPORT_FAILED', `The import stopped: ${(error as Error).message}`);
    await record(latest, { state: 'failed', error: failure });
    throw failure;
  }
}

export async function requireImportJob(db: Reader['db'], tenantId: string, id: string): Promise<ImportJob> {
  const row = await db
    .selectFrom('import_jobs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('IMPORT_JOB_NOT_FOUND', `No import job '${id}'`);
  return toJob(row);
}

export async function listImportJobs(
  r: Reader,
  query: { state?: ImportJobState | undefined; limit: number },
): Promise<ImportJob[]> {
  let qb = r.db.selectFrom('import_jobs').selectAll().where('tenant_id', '=', r.ctx.tenantId);
  if (query.state) qb = qb.where('state', '=', query.state);
  const rows = await qb.orderBy('id', 'desc').limit(query.limit).execute();
  return rows.map(toJob);
}

/** Writes a job's rejected rows as CSV: line, code, reason, then the row's own columns. */
export async function writeImportRejects(r: Reader, id: string, out: Writable): Promise<number> {
  await requireImportJob(r.db, r.ctx.tenantId, id);
  let count = 0;
  let columns: string[] | null = null;
  let after = 0;
  for (;;) {
    const page = await r.db
      .selectFrom('import_rejects')
      .selectAll()
      .where('job_id', '=', id)
      .where('line', '>', after)
      .orderBy('line')
      .limit(1000)
      .execute();
    for (const row of page) {
      const record = JSON.parse(row.record_json) as Record<string, string>;
      if (!columns) {
        columns = Object.keys(record);
        out.write(stringify([['_line', '_code', '_reason', ...columns]]));
      }
      out.write(
        stringify([[String(row.line), row.code, row.reason, ...columns.map((c) => record[c] ?? '')]]),
      );
      count += 1;
      after = Number(row.line);
    }
    if (page.length < 1000) break;
  }
  if (!columns) out.write(stringify([['_line', '_code', '_reason']]));
  return count;
}

/**
 * Jobs still `running` with no progress since `staleBefore` belonged to a process that
 * stopped (several hubs may share a PostgreSQL store, so "running at my start" is not enough).
 */
export async function markInterruptedImports(
  store: Store,
  now: string,
  staleBefore: string,
): Promise<number> {
  const result = await store.db
    .updateTable('import_jobs')
    .set({
      state: 'interrupted',
      finished_at: now,
      updated_at: now,
      error_code: 'IMPORT_INTERRUPTED',
      error_detail:
        'The hub stopped while the file was being imported; batches already committed stay. Upload the file again.',
    })
    .where('state', '=', 'running')
    .where('updated_at', '<', staleBefore)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
