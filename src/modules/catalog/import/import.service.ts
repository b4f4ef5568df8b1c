import type { Readable } from 'node:stream';
import { sql, type Insertable } from 'kysely';
import type { PartXrefsTable, PartsTable, Store, XrefConflictsTable } from '../../../db/index.js';
import { isUniqueViolation, runWork, type Work } from '../../../kernel/index.js';
import { isoTimestamp } from '../../../platform/clock.js';
import type { Ctx } from '../../../platform/context.js';
import { AppError, isAppError } from '../../../platform/errors.js';
import { defaultWholeUnits } from '../catalog.schemas.js';
import { numberNormalizer } from '../normalization.js';
import type { Scheme } from '../references.schemas.js';
import { INTERNAL_SCHEME, listSchemes } from '../xrefs.service.js';
import { duringBulkWrite, insertRows, rowsByKeys } from './bulk-statements.js';
import { cellPicker, parseColumnMapping } from './columns.js';
import { csvRecordBatches, recordAt, type RecordBatch } from './csv-batches.js';
import { checkPart, checkXref, type PartRow } from './row-checks.js';

export const IMPORT_KINDS = ['parts', 'xrefs'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

const FIELDS: Record<ImportKind, readonly string[]> = {
  parts: ['partNumber', 'description', 'baseUom', 'wholeUnits', 'tracking'],
  xrefs: ['partNumber', 'scheme', 'number', 'source'],
};

export interface Reject {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  code: string;
  reason: string;
  record: Record<string, string>;
}

export interface ImportSummary {
  kind: ImportKind;
  rows: number;
  created: number;
  unchanged: number;
  rejected: number;
  conflicts: number;
  batches: number;
  /** Bytes of the file taken into the import so far (its source is read ahead of this). */
  bytesRead: number;
  durationMs: number;
}

/** An import's counts before its first row. */
export function emptyImportSummary(kind: ImportKind): ImportSummary {
  return {
    kind,
    rows: 0,
    created: 0,
    unchanged: 0,
    rejected: 0,
    conflicts: 0,
    batches: 0,
    bytesRead: 0,
    durationMs: 0,
  };
}

export interface ImportOptions {
  kind: ImportKind;
  mapping?: string | undefined;
  batchSize?: number;
  /** Called after each batch commits. */
  onProgress?: (summary: ImportSummary) => void;
  onReject: (reject: Reject) => void;
}

interface Row {
  line: number;
  fields: Record<string, string>;
  /** Where the row's cells are: the whole record is rebuilt only for a reject. */
  batch: RecordBatch;
  at: number;
  width: number;
}

/**
 * Streams a CSV file into the part master, a batch per unit of work, so memory stays flat
 * and a crash loses at most the batch in flight. A run can be repeated: rows already in
 * the master unchanged are counted, not rejected. Bad rows go to `onReject` with a code.
 */
export async function importCsv(
  store: Store,
  ctx: Ctx,
  source: Readable,
  options: ImportOptions,
): Promise<ImportSummary> {
  const started = Date.now();
  // The file is parsed on another thread while this one writes; reading starts now.
  const records = csvRecordBatches(source);
  try {
    return await importRecords(store, ctx, records, options, started);
  } finally {
    await records.return();
  }
}

async function importRecords(
  store: Store,
  ctx: Ctx,
  records: AsyncIterable<RecordBatch>,
  options: ImportOptions,
  started: number,
): Promise<ImportSummary> {
  const pick = cellPicker(parseColumnMapping(options.mapping, FIELDS[options.kind]));
  const batchSize = options.batchSize ?? 2000;
  const summary = emptyImportSummary(options.kind);
  const reject = (row: Row, code: string, reason: string) => {
    summary.rejected += 1;
    options.onReject({ line: row.line, code, reason, record: recordAt(row.batch, row.at, row.width) });
  };
  const seen = new Map<string, number>();
  // Schemes are read once per import, each with its rules prepared for many numbers.
  const schemes = new Map<string, ImportScheme>();
  if (options.kind === 'xrefs') {
    for (const scheme of await listSchemes(store.db, ctx.tenantId)) {
      schemes.set(scheme.code, { scheme, normalize: numberNormalizer(scheme.rules) });
    }
  }
  let batch: Row[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    await runWork(store, ctx, (w) =>
      options.kind === 'parts'
        ? importParts(w, rows, reject, summary)
        : importXrefs(w, rows, schemes, reject, summary),
    );
    summary.batches += 1;
    options.onProgress?.({ ...summary, durationMs: Date.now() - started });
  };
  // SQLite's settings for bulk writes hold while this import writes (bulk-statements.ts).
  await duringBulkWrite(store, async () => {
    try {
      for await (const parsed of records) {
        const fieldsOf = pick(parsed.columns);
        for (let i = 0, at = 0; i < parsed.lines.length; i++) {
          const width = parsed.widths[i] as number;
          const row: Row = {
            line: parsed.lines[i] as number,
            fields: fieldsOf(parsed.cells, at, width),
            batch: parsed,
            at,
            width,
          };
          at += width;
          summary.rows += 1;
          // A part number seen earlier in the same file is a duplicate, reported against its
          // first line. Cross-references need no such check: a repeated one finds itself as the
          // owner of its number and counts as unchanged.
          const key = options.kind === 'parts' ? row.fields.partNumber : undefined;
          if (key) {
            const first = seen.get(key);
            if (first !== undefined) {
              reject(row, 'DUPLICATE_ROW', `same part number as line ${first}`);
              continue;
            }
            seen.set(key, row.line);
          }
          batch.push(row);
          if (batch.length >= batchSize) await flush();
        }
        summary.bytesRead += parsed.bytes;
      }
    } catch (error) {
      if (isAppError(error)) throw error;
      throw new AppError('VALIDATION_FAILED', `The file is not readable CSV: ${(error as Error).message}`);
    }
    await flush();
  });
  summary.durationMs = Date.now() - started;
  return summary;
}

type ExistingPart = Pick<PartsTable, 'part_number' | 'description' | 'base_uom' | 'whole_units' | 'tracking'>;

async function importParts(
  w: Work,
  rows: Row[],
  reject: (row: Row, code: string, reason: string) => void,
  summary: ImportSummary,
): Promise<void> {
  const valid: Array<{ row: Row; part: PartRow }> = [];
  for (const row of rows) {
    const part = checkPart(row.fields);
    if (typeof part === 'string') reject(row, 'VALIDATION_FAILED', part);
    else valid.push({ row, part });
  }
  if (valid.length === 0) return;
  // The batch's parts already in the master, in a few set-based reads rather than per row.
  const existing = new Map<string, ExistingPart>();
  const found = await rowsByKeys<ExistingPart>(
    w,
    'parts',
    [{ name: 'part_number', type: 'text', values: valid.map((v) => v.part.partNumber) }],
    ['part_number', 'description', 'base_uom', 'whole_units', 'tracking'],
  );
  for (const p of found) existing.set(p.part_number, p);
  const now = isoTimestamp(w.ctx.clock);
  const inserts: Array<Insertable<PartsTable>> = [];
  for (const { row, part } of valid) {
    const whole = (part.wholeUnits ?? defaultWholeUnits(part.baseUom)) ? 1 : 0;
    const prior = existing.get(part.partNumber);
    if (prior) {
      const same =
        prior.description === part.description &&
        prior.base_uom === part.baseUom &&
        Number(prior.whole_units) === whole &&
        prior.tracking === part.tracking;
      if (same) summary.unchanged += 1;
      else
        reject(
          row,
          'PART_EXISTS',
          `part ${part.partNumber} exists with other values; change it through a change request`,
        );
      continue;
    }
    inserts.push({
      id: w.ctx.ids.next('prt'),
      tenant_id: w.ctx.tenantId,
      part_number: part.partNumber,
      description: part.description,
      base_uom: part.baseUom,
      whole_units: whole,
      tracking: part.tracking,
      created_at: now,
      updated_at: now,
    });
  }
  await insertRows(w, 'parts', inserts);
  summary.created += inserts.length;
  if (inserts.length > 0) {
    // One audit record and one event per batch, listing every part: the batch is the change.
    // Keys in sorted order: the audit record's canonical JSON then takes them as they are.
    const created = inserts.map((p) => ({
      baseUom: p.base_uom,
      description: p.description,
      id: p.id,
      partNumber: p.part_number,
      tracking: p.tracking,
      wholeUnits: p.whole_units === 1,
    }));
    w.audit({
      action: 'parts.imported',
      entityType: 'import_batch',
      entityId: w.ctx.ids.next('imp'),
      after: { parts: created },
    });
    w.emit({
      type: 'catalog.parts_imported',
      key: 'catalog:parts',
      payload: { parts: created.map((p) => p.partNumber) },
    });
  }
}

/** A numbering scheme with its normalization prepared once per import. */
interface ImportScheme {
  scheme: Scheme;
  normalize: (raw: string) => string;
}

async function importXrefs(
  w: Work,
  rows: Row[],
  schemes: Map<string, ImportScheme>,
  reject: (row: Row, code: string, reason: string) => void,
  summary: ImportSummary,
): Promise<void> {
  const candidates: XrefCandidate[] = [];
  for (const row of rows) {
    const xref = checkXref(row.fields);
    if (typeof xref === 'string') {
      reject(row, 'VALIDATION_FAILED', xref);
      continue;
    }
    const known = schemes.get(xref.scheme);
    if (!known || known.scheme.code === INTERNAL_SCHEME.code) {
      reject(row, 'SCHEME_NOT_FOUND', `no numbering scheme '${xref.scheme}'`);
      continue;
    }
    const normalized = known.normalize(xref.number);
    if (!normalized) {
      reject(
        row,
        'VALIDATION_FAILED',
        `'${xref.number}' normalizes to nothing in scheme ${known.scheme.code}`,
      );
      continue;
    }
    candidates.push({
      row,
      partNumber: xref.partNumber,
      scheme: known.scheme,
      raw: xref.number,
      normalized,
      source: xref.source,
    });
  }
  if (candidates.length === 0) return;
  // A set-based read for the whole batch: the parts it names.
  const partIds = new Map<string, string>();
  const found = await rowsByKeys<{ id: string; part_number: string }>(
    w,
    'parts',
    [{ name: 'part_number', type: 'text', values: [...new Set(candidates.map((c) => c.partNumber))] }],
    ['id', 'part_number'],
  );
  for (const p of found) partIds.set(p.part_number, p.id);
  const now = isoTimestamp(w.ctx.clock);
  // Most batches bring only numbers nobody owns yet: insert them without first asking who
  // owns them, and ask (set-based, as a re-run or a conflicting file needs) only when the
  // store refuses one. Nothing is counted or rejected before the plan that lands is known.
  let plan = planXrefs(w, candidates, partIds, new Map(), now);
  if (!(await insertUnlessTaken(w, plan.inserts))) {
    plan = planXrefs(w, candidates, partIds, await xrefOwners(w, candidates), now);
    await insertRows(w, 'part_xrefs', plan.inserts);
  }
  const { inserts, conflicts } = plan;
  await insertRows(w, 'xref_conflicts', conflicts);
  for (const [row, code, reason] of plan.rejects) reject(row, code, reason);
  summary.unchanged += plan.unchanged;
  summary.created += inserts.length;
  summary.conflicts += conflicts.length;
  if (inserts.length > 0 || conflicts.length > 0) {
    const batchId = w.ctx.ids.next('imp');
    w.audit({
      action: 'xrefs.imported',
      entityType: 'import_batch',
      entityId: batchId,
      after: {
        xrefs: inserts.map((x) => [x.scheme_code, x.number_raw, x.part_id]),
        conflicts: conflicts.map((c) => c.id),
      },
    });
    w.emit({
      type: 'catalog.xrefs_imported',
      key: 'catalog:xrefs',
      payload: { batchId, created: inserts.length, conflicts: conflicts.map((c) => c.id) },
    });
  }
}

interface XrefCandidate {
  row: Row;
  partNumber: string;
  scheme: Scheme;
  raw: string;
  normalized: string;
  source: string;
}

interface XrefPlan {
  inserts: Array<Insertable<PartXrefsTable>>;
  conflicts: Array<Insertable<XrefConflictsTable> & { id: string }>;
  rejects: Array<[Row, string, string]>;
  unchanged: number;
}

/** What a batch does given who owns its numbers before it (`owners`, keyed scheme|number). */
function planXrefs(
  w: Work,
  candidates: readonly XrefCandidate[],
  partIds: ReadonlyMap<string, string>,
  owners: Map<string, string>,
  now: string,
): XrefPlan {
  const plan: XrefPlan = { inserts: [], conflicts: [], rejects: [], unchanged: 0 };
  for (const c of candidates) {
    const partId = partIds.get(c.partNumber);
    if (!partId) {
      plan.rejects.push([c.row, 'PART_NOT_FOUND', `no part '${c.partNumber}'`]);
      continue;
    }
    const key = `${c.scheme.code}|${c.normalized}`;
    const owner = owners.get(key);
    if (owner === partId) {
      plan.unchanged += 1;
      continue;
    }
    if (owner) {
      const id = w.ctx.ids.next('xcf');
      plan.conflicts.push({
        id,
        tenant_id: w.ctx.tenantId,
        scheme_code: c.scheme.code,
        number_normalized: c.normalized,
        number_raw: c.raw,
        existing_part_id: owner,
        proposed_part_id: partId,
        source: c.source,
        status: 'open',
        created_at: now,
        resolved_at: null,
      });
      plan.rejects.push([
        c.row,
        'XREF_CONFLICT',
        `${c.scheme.code} number '${c.raw}' already points at another part (conflict ${id})`,
      ]);
      continue;
    }
    // Later rows of this batch with the same number now meet this one as its owner.
    owners.set(key, partId);
    plan.inserts.push({
      tenant_id: w.ctx.tenantId,
      scheme_code: c.scheme.code,
      number_normalized: c.normalized,
      number_raw: c.raw,
      part_id: partId,
      source: c.source,
      created_at: now,
    });
  }
  return plan;
}

/** Who owns the candidates' numbers now, keyed scheme|number: one set-based read. */
async function xrefOwners(w: Work, candidates: readonly XrefCandidate[]): Promise<Map<string, string>> {
  const keys = new Map<string, XrefCandidate>();
  for (const c of candidates) keys.set(`${c.scheme.code}|${c.normalized}`, c);
  const found = await rowsByKeys<{ scheme_code: string; number_normalized: string; part_id: string }>(
    w,
    'part_xrefs',
    [
      { name: 'scheme_code', type: 'text', values: [...keys.values()].map((c) => c.scheme.code) },
      { name: 'number_normalized', type: 'text', values: [...keys.values()].map((c) => c.normalized) },
    ],
    ['scheme_code', 'number_normalized', 'part_id'],
  );
  return new Map(found.map((f) => [`${f.scheme_code}|${f.number_normalized}`, f.part_id]));
}

/**
 * Inserts cross-references in a savepoint; false, with nothing inserted, when one of their
 * numbers is taken already (by an earlier import, or by a writer that got there first).
 */
async function insertUnlessTaken(w: Work, inserts: Array<Insertable<PartXrefsTable>>): Promise<boolean> {
  if (inserts.length === 0) return true;
  await sql`savepoint import_xrefs`.execute(w.trx);
  try {
    await insertRows(w, 'part_xrefs', inserts);
  } catch (error) {
    await sql`rollback to savepoint import_xrefs`.execute(w.trx);
    await sql`release savepoint import_xrefs`.execute(w.trx);
    if (isUniqueViolation(error)) return false;
    throw error;
  }
  await sql`release savepoint import_xrefs`.execute(w.trx);
  return true;
}
