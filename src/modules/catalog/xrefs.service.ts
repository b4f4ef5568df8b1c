import type { Kysely } from 'kysely';
import type { Database, Trx } from '../../db/index.js';
import { retryIfRaced, type Reader, type Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { actorLabel } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { partsByIds, requirePart } from './catalog.service.js';
import type { Part } from './catalog.schemas.js';
import { normalizeNumber, type NormalizationRules } from './normalization.js';
import {
  addXrefSchema,
  createSchemeSchema,
  type AddXrefInput,
  type CreateSchemeInput,
  type ResolveConflictInput,
  type Resolution,
  type Scheme,
  type Xref,
  type XrefConflict,
} from './references.schemas.js';
import { loadChain } from './supersession.service.js';
import { resolveCurrent } from './supersession.js';

type Db = Kysely<Database> | Trx;

/** The hub's own part numbers: matched as stored, after trimming. */
export const INTERNAL_SCHEME: Scheme = {
  code: 'INTERNAL',
  kind: 'internal',
  issuer: null,
  description: 'The hub part number',
  rules: { case: 'preserve', stripCharacters: '', stripLeadingZeros: false, removePrefixes: [] },
  builtIn: true,
};

export async function listSchemes(db: Db, tenantId: string): Promise<Scheme[]> {
  const rows = await db
    .selectFrom('numbering_schemes')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('code')
    .execute();
  return [
    INTERNAL_SCHEME,
    ...rows.map((r) => ({
      code: r.code,
      kind: r.kind as Scheme['kind'],
      issuer: r.issuer,
      description: r.description,
      rules: JSON.parse(r.rules_json) as NormalizationRules,
      builtIn: false,
    })),
  ];
}

export async function requireScheme(db: Db, tenantId: string, code: string): Promise<Scheme> {
  const scheme = (await listSchemes(db, tenantId)).find((s) => s.code === code);
  if (!scheme) throw new AppError('SCHEME_NOT_FOUND', `No numbering scheme '${code}'`, { scheme: code });
  return scheme;
}

/** Creates or redefines a scheme. Redefining rules does not renormalize stored numbers (see docs). */
export async function saveScheme(w: Work, raw: CreateSchemeInput): Promise<Scheme> {
  const input = createSchemeSchema.parse(raw);
  if (input.code === INTERNAL_SCHEME.code) throw new AppError('VALIDATION_FAILED', 'INTERNAL is built in');
  const now = isoTimestamp(w.ctx.clock);
  const before = (await listSchemes(w.trx, w.ctx.tenantId)).find((s) => s.code === input.code) ?? null;
  const row = {
    tenant_id: w.ctx.tenantId,
    code: input.code,
    kind: input.kind,
    issuer: input.issuer ?? null,
    description: input.description,
    rules_json: JSON.stringify(input.rules),
    created_at: now,
    updated_at: now,
  };
  await w.trx
    .insertInto('numbering_schemes')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'code']).doUpdateSet({
        kind: row.kind,
        issuer: row.issuer,
        description: row.description,
        rules_json: row.rules_json,
        updated_at: now,
      }),
    )
    .execute();
  const scheme: Scheme = {
    code: input.code,
    kind: input.kind,
    issuer: input.issuer ?? null,
    description: input.description,
    rules: input.rules,
    builtIn: false,
  };
  w.audit({
    action: before ? 'scheme.updated' : 'scheme.created',
    entityType: 'numbering_scheme',
    entityId: input.code,
    before,
    after: scheme,
  });
  return scheme;
}

export type AddXrefOutcome =
  | { status: 'created'; xref: Xref }
  | { status: 'exists'; xref: Xref }
  | { status: 'conflict'; conflict: XrefConflict };

/**
 * Points an external number at a part. The same number already on the same part is a no-op;
 * on another part it is a conflict: recorded and reported, never merged (M2.1).
 */
export async function addXref(w: Work, partNumber: string, raw: AddXrefInput): Promise<AddXrefOutcome> {
  const input = addXrefSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  const part = await requirePart(w.trx, tenantId, partNumber);
  const scheme = await requireScheme(w.trx, tenantId, input.scheme);
  if (scheme.code === INTERNAL_SCHEME.code)
    throw new AppError('VALIDATION_FAILED', 'INTERNAL numbers are part numbers; create a part instead');
  const { value: normalized } = normalizeNumber(input.number, scheme.rules);
  if (!normalized)
    throw new AppError(
      'VALIDATION_FAILED',
      `'${input.number}' normalizes to nothing in scheme ${scheme.code}`,
    );
  const now = isoTimestamp(w.ctx.clock);
  const existing = await w.trx
    .selectFrom('part_xrefs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('scheme_code', '=', scheme.code)
    .where('number_normalized', '=', normalized)
    .executeTakeFirst();
  if (existing && existing.part_id === part.id) {
    return { status: 'exists', xref: toXref(existing, part.partNumber) };
  }
  if (existing) {
    const other = await partsByIds(w.trx, tenantId, [existing.part_id]);
    const conflict: XrefConflict = {
      id: w.ctx.ids.next('xcf'),
      scheme: scheme.code,
      number: input.number,
      normalized,
      existingPartNumber: other.get(existing.part_id)?.partNumber ?? existing.part_id,
      proposedPartNumber: part.partNumber,
      source: input.source,
      status: 'open',
      createdAt: now,
      resolvedAt: null,
      resolution: null,
      resolvedBy: null,
      resolutionReason: null,
    };
    await w.trx
      .insertInto('xref_conflicts')
      .values({
        id: conflict.id,
        tenant_id: tenantId,
        scheme_code: scheme.code,
        number_normalized: normalized,
        number_raw: input.number,
        existing_part_id: existing.part_id,
        proposed_part_id: part.id,
        source: input.source,
        status: 'open',
        created_at: now,
        resolved_at: null,
      })
      .execute();
    w.audit({
      action: 'xref.conflict_detected',
      entityType: 'xref_conflict',
      entityId: conflict.id,
      after: conflict,
    });
    w.emit({
      type: 'catalog.xref_conflict_detected',
      key: `xref:${scheme.code}:${normalized}`,
      payload: conflict,
    });
    return { status: 'conflict', conflict };
  }
  const row = {
    tenant_id: tenantId,
    scheme_code: scheme.code,
    number_normalized: normalized,
    number_raw: input.number,
    part_id: part.id,
    source: input.source,
    created_at: now,
  };
  // Another request may have taken the number since it was read: then it is found taken again,
  // by this part (it exists) or another (a conflict), rather than answered with a server error.
  await retryIfRaced(`${scheme.code} number ${normalized} raced`, () =>
    w.trx.insertInto('part_xrefs').values(row).execute(),
  );
  const xref = toXref(row, part.partNumber);
  w.audit({ action: 'xref.created', entityType: 'part', entityId: part.id, after: xref });
  w.emit({ type: 'catalog.xref_created', key: `part:${part.partNumber}`, payload: xref });
  return { status: 'created', xref };
}

function toXref(
  row: {
    scheme_code: string;
    number_raw: string;
    number_normalized: string;
    source: string;
    created_at: string;
  },
  partNumber: string,
): Xref {
  return {
    scheme: row.scheme_code,
    number: row.number_raw,
    normalized: row.number_normalized,
    partNumber,
    source: row.source,
    createdAt: row.created_at,
  };
}

export async function listXrefs(r: Reader, partNumber: string): Promise<Xref[]> {
  const part = await requirePart(r.db, r.ctx.tenantId, partNumber);
  const rows = await r.db
    .selectFrom('part_xrefs')
    .selectAll()
    .where('tenant_id', '=', r.ctx.tenantId)
    .where('part_id', '=', part.id)
    .orderBy('scheme_code')
    .orderBy('number_normalized')
    .execute();
  return rows.map((row) => toXref(row, part.partNumber));
}

export async function listConflicts(
  r: Reader,
  status: 'open' | 'resolved' | undefined,
): Promise<XrefConflict[]> {
  return conflictsWhere(r.db, r.ctx.tenantId, { status });
}

async function conflictsWhere(
  db: Kysely<Database> | Trx,
  tenantId: string,
  filter: { status?: 'open' | 'resolved' | undefined; id?: string },
): Promise<XrefConflict[]> {
  let qb = db.selectFrom('xref_conflicts').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status) qb = qb.where('status', '=', filter.status);
  if (filter.id) qb = qb.where('id', '=', filter.id);
  const rows = await qb.orderBy('created_at', 'desc').limit(500).execute();
  const parts = await partsByIds(
    db,
    tenantId,
    rows.flatMap((c) => [c.existing_part_id, c.proposed_part_id]),
  );
  return rows.map((c) => ({
    id: c.id,
    scheme: c.scheme_code,
    number: c.number_raw,
    normalized: c.number_normalized,
    existingPartNumber: parts.get(c.existing_part_id)?.partNumber ?? c.existing_part_id,
    proposedPartNumber: parts.get(c.proposed_part_id)?.partNumber ?? c.proposed_part_id,
    source: c.source,
    status: c.status as XrefConflict['status'],
    createdAt: c.created_at,
    resolvedAt: c.resolved_at,
    resolution: c.resolution as XrefConflict['resolution'],
    resolvedBy: c.resolved_by,
    resolutionReason: c.resolution_reason,
  }));
}

/**
 * A data steward settles a conflict: the number stays where it is, or moves to the part
 * that was proposed. Either way the decision, who made it and why are kept and audited;
 * nothing was merged while the conflict was open.
 */
export async function resolveConflict(
  w: Work,
  id: string,
  input: ResolveConflictInput,
): Promise<XrefConflict> {
  const tenantId = w.ctx.tenantId;
  const conflict = await w.trx
    .selectFrom('xref_conflicts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!conflict) throw new AppError('XREF_CONFLICT_NOT_FOUND', `No cross-reference conflict '${id}'`);
  if (conflict.status !== 'open')
    throw new AppError(
      'XREF_CONFLICT_RESOLVED',
      `Conflict ${id} was already resolved (${conflict.resolution ?? 'resolved'})`,
    );
  const now = isoTimestamp(w.ctx.clock);
  const resolvedBy = actorLabel(w.ctx.actor);
  const claimed = await w.trx
    .updateTable('xref_conflicts')
    .set({
      status: 'resolved',
      resolved_at: now,
      resolution: input.decision,
      resolved_by: resolvedBy,
      resolution_reason: input.reason,
    })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  // Conditional, so two stewards settling at once cannot both win (no row lock on SQLite).
  if (Number(claimed.numUpdatedRows) !== 1)
    throw new AppError('XREF_CONFLICT_RESOLVED', `Conflict ${id} was just resolved by someone else`);
  const current = await w.trx
    .selectFrom('part_xrefs')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('scheme_code', '=', conflict.scheme_code)
    .where('number_normalized', '=', conflict.number_normalized)
    .executeTakeFirst();
  if (input.decision === 'reassign') {
    if (current) {
      await w.trx
        .updateTable('part_xrefs')
        .set({ part_id: conflict.proposed_part_id, number_raw: conflict.number_raw, source: conflict.source })
        .where('tenant_id', '=', tenantId)
        .where('scheme_code', '=', conflict.scheme_code)
        .where('number_normalized', '=', conflict.number_normalized)
        .execute();
    } else {
      await w.trx
        .insertInto('part_xrefs')
        .values({
          tenant_id: tenantId,
          scheme_code: conflict.scheme_code,
          number_normalized: conflict.number_normalized,
          number_raw: conflict.number_raw,
          part_id: conflict.proposed_part_id,
          source: conflict.source,
          created_at: now,
        })
        .execute();
    }
  }
  const parts = await partsByIds(w.trx, tenantId, [conflict.existing_part_id, conflict.proposed_part_id]);
  const numberOf = (partId: string) => parts.get(partId)?.partNumber ?? partId;
  const before = current
    ? { scheme: conflict.scheme_code, number: current.number_raw, part: numberOf(current.part_id) }
    : null;
  const after =
    input.decision === 'reassign'
      ? {
          scheme: conflict.scheme_code,
          number: conflict.number_raw,
          part: numberOf(conflict.proposed_part_id),
        }
      : before;
  w.audit({
    action: `xref.conflict_${input.decision === 'reassign' ? 'reassigned' : 'kept'}`,
    entityType: 'xref_conflict',
    entityId: id,
    before,
    after,
    reason: input.reason,
  });
  if (input.decision === 'reassign')
    w.emit({
      type: 'catalog.xref_reassigned',
      key: `xref:${conflict.scheme_code}:${conflict.number_normalized}`,
      payload: { conflictId: id, ...after, previousPart: before?.part ?? null },
    });
  const [resolved] = await conflictsWhere(w.trx, tenantId, { id });
  if (!resolved) throw new Error(`conflict ${id} vanished inside its own transaction`);
  return resolved;
}

/**
 * Resolves any number to the canonical part, then along supersession to the part valid at
 * `at`. Without a scheme, the hub's own numbers are tried first, then every scheme; a number
 * that names different parts in different schemes is ambiguous and says which.
 */
export async function resolveNumber(
  r: Reader,
  query: { number: string; scheme?: string | undefined; at?: string | undefined },
): Promise<Resolution> {
  const tenantId = r.ctx.tenantId;
  const at = query.at ?? isoTimestamp(r.ctx.clock);
  const schemes = query.scheme
    ? [await requireScheme(r.db, tenantId, query.scheme)]
    : await listSchemes(r.db, tenantId);
  const hits: Array<{ scheme: Scheme; normalized: string; steps: string[]; part: Part }> = [];
  for (const scheme of schemes) {
    const { value: normalized, steps } = normalizeNumber(query.number, scheme.rules);
    if (!normalized) continue;
    if (scheme.code === INTERNAL_SCHEME.code) {
      const part = await requirePart(r.db, tenantId, normalized).catch(() => undefined);
      if (part) hits.push({ scheme, normalized, steps, part });
      continue;
    }
    const row = await r.db
      .selectFrom('part_xrefs')
      .select('part_id')
      .where('tenant_id', '=', tenantId)
      .where('scheme_code', '=', scheme.code)
      .where('number_normalized', '=', normalized)
      .executeTakeFirst();
    if (row) {
      const part = (await partsByIds(r.db, tenantId, [row.part_id])).get(row.part_id);
      if (part) hits.push({ scheme, normalized, steps, part });
    }
  }
  if (hits.length === 0) {
    throw new AppError(
      'NUMBER_NOT_FOUND',
      `No part carries number '${query.number}'${query.scheme ? ` in scheme ${query.scheme}` : ''}`,
      { number: query.number },
    );
  }
  const distinct = new Set(hits.map((h) => h.part.id));
  if (distinct.size > 1) {
    throw new AppError(
      'NUMBER_AMBIGUOUS',
      `'${query.number}' names ${distinct.size} different parts; name the scheme`,
      {
        candidates: hits.map((h) => ({ scheme: h.scheme.code, partNumber: h.part.partNumber })),
      },
    );
  }
  const hit = hits[0]!;
  const chain = await loadChain(r.db, tenantId, hit.part.id);
  const resolution = resolveCurrent(hit.part.id, chain, at);
  const ids = [...new Set([hit.part.id, ...resolution.path.flatMap((s) => [s.from, s.to])])];
  const parts = await partsByIds(r.db, tenantId, ids);
  const numberOf = (id: string) => parts.get(id)?.partNumber ?? id;
  const path = resolution.path.map((s) => ({ ...s, from: numberOf(s.from), to: numberOf(s.to) }));
  if (!resolution.ok) {
    // Links are checked when entered, so only data edited outside the hub can loop.
    throw new AppError(
      'SUPERSESSION_CYCLE',
      `Supersession data loops: ${path.map((s) => `${s.from}→${s.to}`).join(', ')}`,
    );
  }
  const current = parts.get(resolution.current) ?? hit.part;
  const explanation =
    path.length === 0
      ? `${hit.part.partNumber} is current at ${at}`
      : `${hit.part.partNumber} is superseded: ${path.map((s) => `${s.from} → ${s.to} (${s.type}, from ${s.effectiveFrom.slice(0, 10)}: ${s.reason})`).join('; ')}`;
  return {
    number: query.number,
    scheme: hit.scheme.code,
    normalized: hit.normalized,
    normalization: hit.steps,
    part: hit.part,
    current,
    path,
    explanation,
  };
}
