import type { Kysely } from 'kysely';
import type { Database, Trx } from '../../db/index.js';
import { lockTenantScope, type Reader, type Work } from '../../kernel/index.js';
import { actorLabel } from '../../platform/context.js';
import { isoTimestamp } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { partsByIds, requirePart } from './catalog.service.js';
import {
  addSubstituteSchema,
  addSupersessionSchema,
  type AddSubstituteInput,
  type AddSupersessionInput,
  type Substitute,
  type Supersession,
} from './references.schemas.js';
import {
  checkNewLink,
  resolveCurrent,
  type Interchangeability,
  type SupersessionLink,
} from './supersession.js';

type Db = Kysely<Database> | Trx;
const MAX_CHAIN = 1000;

/** Loads the supersession chain that starts at a part (by id), as links keyed by predecessor. */
export async function loadChain(
  db: Db,
  tenantId: string,
  startId: string,
): Promise<Map<string, SupersessionLink>> {
  const links = new Map<string, SupersessionLink>();
  let node = startId;
  for (let i = 0; i < MAX_CHAIN && !links.has(node); i++) {
    const row = await db
      .selectFrom('supersessions')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('part_id', '=', node)
      .executeTakeFirst();
    if (!row) break;
    links.set(node, {
      from: row.part_id,
      to: row.successor_id,
      type: row.type as Interchangeability,
      effectiveFrom: row.effective_from,
      reason: row.reason,
    });
    node = row.successor_id;
  }
  return links;
}

/**
 * Enters "part is superseded by successor" (M2.2). Forks and cycles are refused at entry,
 * under a tenant-wide lock so two concurrent links cannot close a loop between them.
 */
export async function addSupersession(
  w: Work,
  partNumber: string,
  raw: AddSupersessionInput,
): Promise<Supersession> {
  const input = addSupersessionSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  await lockTenantScope(w, 'supersession');
  const part = await requirePart(w.trx, tenantId, partNumber);
  const successor = await requirePart(w.trx, tenantId, input.successor);
  const graph = await loadChain(w.trx, tenantId, successor.id);
  const existing = await loadChain(w.trx, tenantId, part.id);
  const own = existing.get(part.id);
  if (own) graph.set(part.id, own);
  const check = checkNewLink({ from: part.id, to: successor.id }, graph);
  if (!check.ok) {
    const parts = await partsByIds(w.trx, tenantId, [
      ...graph.keys(),
      ...[...graph.values()].map((l) => l.to),
      part.id,
    ]);
    const readable = check.reason.replace(/prt_[0-9A-Z]+/g, (id) => parts.get(id)?.partNumber ?? id);
    throw new AppError(check.code, readable, {
      partNumber: part.partNumber,
      successor: successor.partNumber,
    });
  }
  const now = isoTimestamp(w.ctx.clock);
  const effectiveFrom = new Date(input.effectiveFrom).toISOString();
  await w.trx
    .insertInto('supersessions')
    .values({
      tenant_id: tenantId,
      part_id: part.id,
      successor_id: successor.id,
      type: input.type,
      effective_from: effectiveFrom,
      reason: input.reason,
      use_up: input.useUp,
      created_by: actorLabel(w.ctx.actor),
      created_at: now,
    })
    .execute();
  const result: Supersession = {
    partNumber: part.partNumber,
    successor: successor.partNumber,
    type: input.type,
    effectiveFrom,
    reason: input.reason,
    useUp: input.useUp,
    createdBy: actorLabel(w.ctx.actor),
    createdAt: now,
  };
  w.audit({
    action: 'supersession.created',
    entityType: 'part',
    entityId: part.id,
    after: result,
    reason: input.reason,
  });
  w.emit({ type: 'catalog.part_superseded', key: `part:${part.partNumber}`, payload: result });
  return result;
}

export async function removeSupersession(w: Work, partNumber: string, reason: string): Promise<Supersession> {
  const tenantId = w.ctx.tenantId;
  await lockTenantScope(w, 'supersession');
  const part = await requirePart(w.trx, tenantId, partNumber);
  const [before] = await supersessionsOf(w.trx, tenantId, [part.id]);
  if (!before) throw new AppError('PART_NOT_FOUND', `Part ${partNumber} is not superseded`);
  await w.trx
    .deleteFrom('supersessions')
    .where('tenant_id', '=', tenantId)
    .where('part_id', '=', part.id)
    .execute();
  w.audit({ action: 'supersession.removed', entityType: 'part', entityId: part.id, before, reason });
  w.emit({
    type: 'catalog.supersession_removed',
    key: `part:${part.partNumber}`,
    payload: { ...before, reason },
  });
  return before;
}

async function supersessionsOf(
  db: Db,
  tenantId: string,
  partIds: string[],
  direction: 'from' | 'to' = 'from',
): Promise<Supersession[]> {
  if (partIds.length === 0) return [];
  const rows = await db
    .selectFrom('supersessions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(direction === 'from' ? 'part_id' : 'successor_id', 'in', partIds)
    .execute();
  const parts = await partsByIds(
    db,
    tenantId,
    rows.flatMap((r) => [r.part_id, r.successor_id]),
  );
  return rows.map((r) => ({
    partNumber: parts.get(r.part_id)?.partNumber ?? r.part_id,
    successor: parts.get(r.successor_id)?.partNumber ?? r.successor_id,
    type: r.type as Interchangeability,
    effectiveFrom: r.effective_from,
    reason: r.reason,
    useUp: r.use_up as Supersession['useUp'],
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
}

/** The links around a part: what supersedes it and what it supersedes. */
export async function supersessionLinks(
  r: Reader,
  partId: string,
): Promise<{ supersededBy: Supersession | null; supersedes: Supersession[] }> {
  const [supersededBy] = await supersessionsOf(r.db, r.ctx.tenantId, [partId], 'from');
  const supersedes = await supersessionsOf(r.db, r.ctx.tenantId, [partId], 'to');
  return { supersededBy: supersededBy ?? null, supersedes };
}

export async function addSubstitute(
  w: Work,
  partNumber: string,
  raw: AddSubstituteInput,
): Promise<Substitute> {
  const input = addSubstituteSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  const part = await requirePart(w.trx, tenantId, partNumber);
  const substitute = await requirePart(w.trx, tenantId, input.substitute);
  if (part.id === substitute.id)
    throw new AppError('SUBSTITUTE_INVALID', `${partNumber} cannot substitute for itself`);
  const now = isoTimestamp(w.ctx.clock);
  const models = input.models ? [...new Set(input.models)].sort() : null;
  const row = {
    tenant_id: tenantId,
    part_id: part.id,
    substitute_id: substitute.id,
    models_json: models ? JSON.stringify(models) : null,
    preference: input.preference,
    note: input.note ?? null,
    created_at: now,
  };
  await w.trx
    .insertInto('substitutes')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'part_id', 'substitute_id'])
        .doUpdateSet({ models_json: row.models_json, preference: row.preference, note: row.note }),
    )
    .execute();
  const result: Substitute = {
    partNumber: part.partNumber,
    substitute: substitute.partNumber,
    models,
    preference: input.preference,
    note: row.note,
    createdAt: now,
  };
  w.audit({ action: 'substitute.saved', entityType: 'part', entityId: part.id, after: result });
  w.emit({ type: 'catalog.substitute_saved', key: `part:${part.partNumber}`, payload: result });
  return result;
}

/** Substitutes in preference order; with a model, only those valid for it. */
export async function listSubstitutes(r: Reader, partNumber: string, model?: string): Promise<Substitute[]> {
  const part = await requirePart(r.db, r.ctx.tenantId, partNumber);
  const rows = await r.db
    .selectFrom('substitutes')
    .selectAll()
    .where('tenant_id', '=', r.ctx.tenantId)
    .where('part_id', '=', part.id)
    .orderBy('preference')
    .execute();
  const parts = await partsByIds(
    r.db,
    r.ctx.tenantId,
    rows.map((s) => s.substitute_id),
  );
  return rows
    .map((s) => ({
      partNumber: part.partNumber,
      substitute: parts.get(s.substitute_id)?.partNumber ?? s.substitute_id,
      models: s.models_json ? (JSON.parse(s.models_json) as string[]) : null,
      preference: Number(s.preference),
      note: s.note,
      createdAt: s.created_at,
    }))
    .filter((s) => model === undefined || s.models === null || s.models.includes(model));
}

/** A part that may stand in for another on a job, with why and in which order (lower first). */
export interface PartStandIn {
  partNumber: string;
  relation: 'superseded_by' | 'substitute';
  reason: string;
  preference: number;
}

/**
 * What the catalog allows in place of a part on a job at `at` for an equipment model (M4.4):
 * its successors along the supersession chain in effect, nearest first (so remaining stock of
 * an intermediate part is used up before the newest), a two-way predecessor, then the
 * substitutes valid for the model in their preference order.
 */
export async function partStandIns(
  r: Reader,
  partNumber: string,
  options: { at: string; model: string | null },
): Promise<PartStandIn[]> {
  const tenantId = r.ctx.tenantId;
  const part = await requirePart(r.db, tenantId, partNumber);
  const out: PartStandIn[] = [];
  const chain = await loadChain(r.db, tenantId, part.id);
  const resolution = resolveCurrent(part.id, chain, options.at);
  const stepIds = resolution.path.map((s) => s.to);
  const predecessors = (await supersessionsOf(r.db, tenantId, [part.id], 'to')).filter(
    (s) => s.type === 'two_way' && s.effectiveFrom <= options.at,
  );
  const names = await partsByIds(r.db, tenantId, stepIds);
  resolution.path.forEach((step, i) => {
    const to = names.get(step.to)?.partNumber;
    if (!to) return;
    out.push({
      partNumber: to,
      relation: 'superseded_by',
      reason: `${i === 0 ? partNumber : (names.get(step.from)?.partNumber ?? step.from)} is superseded by ${to} (${step.type}, from ${step.effectiveFrom.slice(0, 10)}: ${step.reason})`,
      preference: i,
    });
  });
  for (const p of predecessors)
    out.push({
      partNumber: p.partNumber,
      relation: 'superseded_by',
      reason: `${p.partNumber} was superseded by ${partNumber} two-way (${p.reason}): either may be used`,
      preference: 50,
    });
  // A substitute limited to models applies only when the job names one of them.
  const substitutes = (await listSubstitutes(r, partNumber, options.model ?? undefined)).filter(
    (s) => s.models === null || options.model !== null,
  );
  for (const s of substitutes)
    out.push({
      partNumber: s.substitute,
      relation: 'substitute',
      reason: `${s.substitute} substitutes for ${partNumber}${s.models && options.model ? ` on model ${options.model}` : ''} (preference ${s.preference}${s.note ? `: ${s.note}` : ''})`,
      preference: 100 + s.preference,
    });
  return out;
}
