import type { Kysely } from 'kysely';
import type { Database, Trx } from '../../db/index.js';
import type { Reader, Work } from '../../kernel/index.js';
import { AppError } from '../../platform/errors.js';
import type { ReasonCode } from './inventory.schemas.js';

/** Shipped reason codes; a tenant adds its own or redefines these as rows. */
export const BUILT_IN_REASON_CODES: ReasonCode[] = [
  { code: 'CYCLE_COUNT', description: 'Difference found by a cycle count', cause: 'physical' },
  {
    code: 'SNAPSHOT',
    description: 'Difference found by an inventory snapshot from a warehouse, 3PL or ERP',
    cause: 'physical',
  },
  { code: 'DAMAGED', description: 'Damaged in storage or handling', cause: 'physical' },
  { code: 'FOUND', description: 'Stock found that was not on record', cause: 'physical' },
  { code: 'LOST', description: 'Stock lost or stolen', cause: 'physical' },
  { code: 'SCRAPPED', description: 'Scrapped or written off', cause: 'physical' },
  { code: 'RECEIVING_ERROR', description: 'Received quantity was booked wrongly', cause: 'process' },
  { code: 'UNRECORDED_CONSUMPTION', description: 'Used on a job without being booked', cause: 'process' },
  {
    code: 'TECH_DISCREPANCY',
    description: 'Technician van count differs from the record',
    cause: 'physical',
  },
  {
    code: 'UOM_MISMATCH',
    description: 'Counted in a different unit than the master data says',
    cause: 'master_data',
  },
  {
    code: 'WRONG_PART_NUMBER',
    description: 'Part number on the shelf differs from the master data',
    cause: 'master_data',
  },
  { code: 'PACK_SIZE_ERROR', description: 'Pack size in the master data is wrong', cause: 'master_data' },
];

export async function listReasonCodes(db: Kysely<Database> | Trx, tenantId: string): Promise<ReasonCode[]> {
  const rows = await db.selectFrom('reason_codes').selectAll().where('tenant_id', '=', tenantId).execute();
  const byCode = new Map(BUILT_IN_REASON_CODES.map((c) => [c.code, c]));
  for (const row of rows) {
    byCode.set(row.code, {
      code: row.code,
      description: row.description,
      cause: row.cause as ReasonCode['cause'],
    });
  }
  return [...byCode.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
}

export async function requireReasonCode(
  db: Kysely<Database> | Trx,
  tenantId: string,
  code: string,
): Promise<ReasonCode> {
  const found = (await listReasonCodes(db, tenantId)).find((c) => c.code === code);
  if (!found)
    throw new AppError('REASON_CODE_UNKNOWN', `Unknown reason code '${code}'`, { reasonCode: code });
  return found;
}

export async function putReasonCode(w: Work, input: ReasonCode): Promise<ReasonCode> {
  const before = (await listReasonCodes(w.trx, w.ctx.tenantId)).find((c) => c.code === input.code) ?? null;
  await w.trx
    .insertInto('reason_codes')
    .values({
      tenant_id: w.ctx.tenantId,
      code: input.code,
      description: input.description,
      cause: input.cause,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'code']).doUpdateSet({ description: input.description, cause: input.cause }),
    )
    .execute();
  w.audit({
    action: 'reason_code.saved',
    entityType: 'reason_code',
    entityId: input.code,
    before,
    after: input,
  });
  return input;
}

export function readReasonCodes(r: Reader): Promise<ReasonCode[]> {
  return listReasonCodes(r.db, r.ctx.tenantId);
}
