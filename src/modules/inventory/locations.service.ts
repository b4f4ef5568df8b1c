import { sql, type Kysely } from 'kysely';
import { READ_BEFORE_BEGIN, type Database, type Trx } from '../../db/index.js';
import { isUniqueViolation, type Reader, type Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { partFromRow, partNotFound, type Part } from '../catalog/index.js';
import {
  createLocationSchema,
  type CreateLocationInput,
  type Location,
  type LocationType,
} from './inventory.schemas.js';

export interface LocationRow {
  id: string;
  code: string;
  name: string;
  type: string;
  parent_id: string | null;
  region: string;
  created_at: string;
}

function toLocation(row: LocationRow, parentCode: string | null): Location {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    type: row.type as LocationType,
    parentCode,
    region: row.region,
    createdAt: row.created_at,
  };
}

export function locationNotFound(code: string): AppError {
  return new AppError('LOCATION_NOT_FOUND', `No location '${code}'`, { locationCode: code });
}

export async function requireLocation(
  db: Kysely<Database> | Trx,
  tenantId: string,
  code: string,
): Promise<LocationRow> {
  const row = await db
    .selectFrom('locations')
    .select(['id', 'code', 'name', 'type', 'parent_id', 'region', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) throw locationNotFound(code);
  return row;
}

export async function createLocations(w: Work, inputs: CreateLocationInput[]): Promise<Location[]> {
  const out: Location[] = [];
  const now = isoTimestamp(w.ctx.clock);
  const created = new Map<string, string>();
  for (const raw of inputs) {
    const input = createLocationSchema.parse(raw);
    let parentId: string | null = null;
    if (input.parentCode !== undefined) {
      if (input.parentCode === input.code) {
        throw new AppError('LOCATION_PARENT_INVALID', `Location '${input.code}' cannot be its own parent`);
      }
      parentId =
        created.get(input.parentCode) ??
        (
          await requireLocation(w.trx, w.ctx.tenantId, input.parentCode).catch(() => {
            throw new AppError(
              'LOCATION_PARENT_INVALID',
              `Parent location '${input.parentCode}' does not exist`,
            );
          })
        ).id;
    }
    const row = {
      id: w.ctx.ids.next('loc'),
      tenant_id: w.ctx.tenantId,
      code: input.code,
      name: input.name,
      type: input.type,
      parent_id: parentId,
      region: input.region,
      created_at: now,
    };
    try {
      await w.trx.insertInto('locations').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('LOCATION_EXISTS', `Location '${input.code}' already exists`);
      throw error;
    }
    created.set(row.code, row.id);
    const location = toLocation(row, input.parentCode ?? null);
    w.audit({ action: 'location.created', entityType: 'location', entityId: row.id, after: location });
    w.emit({ type: 'inventory.location_created', key: `location:${row.code}`, payload: location });
    out.push(location);
  }
  return out;
}

export async function listLocations(
  r: Reader,
  filter: { type?: LocationType | undefined; region?: string | undefined } = {},
): Promise<Location[]> {
  let qb = r.db
    .selectFrom('locations as l')
    .leftJoin('locations as p', 'p.id', 'l.parent_id')
    .select([
      'l.id',
      'l.code',
      'l.name',
      'l.type',
      'l.parent_id',
      'l.region',
      'l.created_at',
      'p.code as parent_code',
    ])
    .where('l.tenant_id', '=', r.ctx.tenantId);
  if (filter.type) qb = qb.where('l.type', '=', filter.type);
  if (filter.region) qb = qb.where('l.region', '=', filter.region);
  const rows = await qb.orderBy('l.code').execute();
  return rows.map((row) => toLocation(row, row.parent_code));
}

export async function getLocation(r: Reader, code: string): Promise<Location> {
  const row = await requireLocation(r.db, r.ctx.tenantId, code);
  const parent = row.parent_id
    ? await r.db.selectFrom('locations').select('code').where('id', '=', row.parent_id).executeTakeFirst()
    : undefined;
  return toLocation(row, parent?.code ?? null);
}

export async function locationCodesByIds(
  db: Kysely<Database> | Trx,
  tenantId: string,
  ids: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db
      .selectFrom('locations')
      .select(['id', 'code'])
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', unique.slice(i, i + 500))
      .execute();
    for (const row of rows) out.set(row.id, row.code);
  }
  return out;
}

/**
 * The part and the location a stock command names, in one query: each statement is a round
 * trip on PostgreSQL, and the reservation path counts them (decision 0023). The same errors
 * as asking for each alone, the part's first.
 */
export async function requirePartAndLocation(
  db: Kysely<Database> | Trx,
  tenantId: string,
  partNumber: string,
  code: string,
): Promise<{ part: Part; location: LocationRow }> {
  const { rows } = await sql<{
    p_id: string | null;
    part_number: string;
    description: string;
    base_uom: string;
    whole_units: number;
    tracking: string;
    p_created_at: string;
    p_updated_at: string;
    l_id: string | null;
    code: string;
    name: string;
    type: string;
    parent_id: string | null;
    region: string;
    l_created_at: string;
  }>`${sql.raw(READ_BEFORE_BEGIN)}
    select p.id as p_id, p.part_number, p.description, p.base_uom, p.whole_units, p.tracking,
           p.created_at as p_created_at, p.updated_at as p_updated_at,
           l.id as l_id, l.code, l.name, l.type, l.parent_id, l.region, l.created_at as l_created_at
      from (select 1 as one) as asked
      left join parts p on p.tenant_id = ${tenantId} and p.part_number = ${partNumber}
      left join locations l on l.tenant_id = ${tenantId} and l.code = ${code}`.execute(db);
  const row = rows[0];
  if (!row?.p_id) throw partNotFound(partNumber);
  if (!row.l_id) throw locationNotFound(code);
  return {
    part: partFromRow({ ...row, id: row.p_id, created_at: row.p_created_at, updated_at: row.p_updated_at }),
    location: {
      id: row.l_id,
      code: row.code,
      name: row.name,
      type: row.type,
      parent_id: row.parent_id,
      region: row.region,
      created_at: row.l_created_at,
    },
  };
}
