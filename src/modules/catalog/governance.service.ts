import type { Kysely } from 'kysely';
import type { Database, Trx } from '../../db/index.js';
import type { Reader, Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { actorLabel } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { requirePart } from './catalog.service.js';
import type { Part } from './catalog.schemas.js';
import {
  decideTiming,
  routeUpdate,
  survivingValue,
  type FreezeWindow,
  type OwnershipRule,
} from './governance.js';
import {
  ATTRIBUTE_SCHEMAS,
  BUILT_IN_TAXONOMIES,
  freezeWindowSchema,
  ownershipRuleSchema,
  proposeChangeSchema,
  taxonomySchema,
  updateAttributesSchema,
  type ChangeRequest,
  type ProposeChangeInput,
} from './governance.schemas.js';

type Db = Kysely<Database> | Trx;
type Taxonomy = { code: string; name: string; values: string[] };

export async function listTaxonomies(db: Db, tenantId: string): Promise<Taxonomy[]> {
  const rows = await db.selectFrom('taxonomies').selectAll().where('tenant_id', '=', tenantId).execute();
  const byCode = new Map<string, Taxonomy>(BUILT_IN_TAXONOMIES.map((t) => [t.code, t]));
  for (const r of rows)
    byCode.set(r.code, { code: r.code, name: r.name, values: JSON.parse(r.values_json) as string[] });
  return [...byCode.values()];
}

export async function putTaxonomy(w: Work, raw: unknown): Promise<Taxonomy> {
  const t = taxonomySchema.parse(raw);
  if (t.code in ATTRIBUTE_SCHEMAS)
    throw new AppError('ATTRIBUTE_INVALID', `'${t.code}' is a fixed attribute, not a taxonomy`, {
      attribute: t.code,
    });
  const now = isoTimestamp(w.ctx.clock);
  await w.trx
    .insertInto('taxonomies')
    .values({
      tenant_id: w.ctx.tenantId,
      code: t.code,
      name: t.name,
      values_json: JSON.stringify(t.values),
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'code'])
        .doUpdateSet({ name: t.name, values_json: JSON.stringify(t.values), updated_at: now }),
    )
    .execute();
  w.audit({ action: 'taxonomy.saved', entityType: 'taxonomy', entityId: t.code, after: t });
  return t;
}

export async function listOwnershipRules(db: Db, tenantId: string): Promise<OwnershipRule[]> {
  const rows = await db
    .selectFrom('ownership_rules')
    .select(['attribute', 'owner'])
    .where('tenant_id', '=', tenantId)
    .where('entity', '=', 'part')
    .orderBy('attribute')
    .execute();
  return rows;
}

export async function putOwnershipRule(w: Work, raw: unknown): Promise<OwnershipRule> {
  const rule = ownershipRuleSchema.parse(raw);
  const before =
    (await listOwnershipRules(w.trx, w.ctx.tenantId)).find((r) => r.attribute === rule.attribute) ?? null;
  const now = isoTimestamp(w.ctx.clock);
  await w.trx
    .insertInto('ownership_rules')
    .values({
      tenant_id: w.ctx.tenantId,
      entity: 'part',
      attribute: rule.attribute,
      owner: rule.owner,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'entity', 'attribute']).doUpdateSet({ owner: rule.owner, updated_at: now }),
    )
    .execute();
  w.audit({
    action: 'ownership_rule.saved',
    entityType: 'ownership_rule',
    entityId: `part.${rule.attribute}`,
    before,
    after: rule,
  });
  return rule;
}

/** Checks every value with the same rules whether it is written directly or through a change request. */
async function validateAttributes(
  db: Db,
  tenantId: string,
  attributes: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const taxonomies = new Map((await listTaxonomies(db, tenantId)).map((t) => [t.code, t]));
  const out: Record<string, unknown> = {};
  for (const [attribute, value] of Object.entries(attributes)) {
    const fixed = (
      ATTRIBUTE_SCHEMAS as Record<
        string,
        {
          safeParse(v: unknown): {
            success: boolean;
            data?: unknown;
            error?: { issues: Array<{ message: string }> };
          };
        }
      >
    )[attribute];
    if (fixed) {
      const parsed = fixed.safeParse(value);
      if (!parsed.success)
        throw new AppError(
          'ATTRIBUTE_INVALID',
          `${attribute}: ${parsed.error?.issues.map((i) => i.message).join('; ')}`,
          { attribute },
        );
      out[attribute] = parsed.data;
      continue;
    }
    const taxonomy = taxonomies.get(attribute);
    if (!taxonomy) throw new AppError('ATTRIBUTE_INVALID', `Unknown attribute '${attribute}'`, { attribute });
    if (typeof value !== 'string' || !taxonomy.values.includes(value)) {
      throw new AppError('ATTRIBUTE_INVALID', `${attribute} must be one of ${taxonomy.values.join(', ')}`, {
        attribute,
        allowed: taxonomy.values,
      });
    }
    out[attribute] = value;
  }
  return out;
}

async function freezeWindows(db: Db, tenantId: string): Promise<FreezeWindow[]> {
  return db
    .selectFrom('freeze_windows')
    .select(['starts_at as startsAt', 'ends_at as endsAt', 'reason'])
    .where('tenant_id', '=', tenantId)
    .execute();
}

/**
 * Records what a source says about a part's attributes (lineage) and changes the golden
 * record where the source may (M1.3): the owner's values apply, other sources' values become
 * one change request. Inside a freeze window nothing applies directly.
 */
export async function updatePartAttributes(w: Work, partNumber: string, raw: unknown) {
  const input = updateAttributesSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  const part = await requirePart(w.trx, tenantId, partNumber);
  const values = await validateAttributes(w.trx, tenantId, input.attributes);
  const rules = await listOwnershipRules(w.trx, tenantId);
  const now = isoTimestamp(w.ctx.clock);
  const frozen = decideTiming(now, now, false, await freezeWindows(w.trx, tenantId));
  const applied: Record<string, unknown> = {};
  const deferred: Record<string, unknown> = {};
  const reasons: string[] = [];
  for (const [attribute, value] of Object.entries(values)) {
    await w.trx
      .insertInto('part_attribute_sources')
      .values({
        tenant_id: tenantId,
        part_id: part.id,
        attribute,
        source: input.source,
        value_json: JSON.stringify(value),
        observed_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'part_id', 'attribute', 'source'])
          .doUpdateSet({ value_json: JSON.stringify(value), observed_at: now }),
      )
      .execute();
    const route = routeUpdate(attribute, input.source, rules);
    if (route.route === 'change_request' || frozen.when === 'frozen') {
      deferred[attribute] = value;
      reasons.push(`${attribute}: ${frozen.when === 'frozen' ? frozen.reason : route.reason}`);
      continue;
    }
    await recomputeGolden(w, part, attribute, rules);
    applied[attribute] = value;
    reasons.push(`${attribute}: ${route.reason}`);
  }
  const changeRequest = Object.keys(deferred).length
    ? await proposeChange(w, {
        partNumber,
        changes: deferred as ProposeChangeInput['changes'],
        source: input.source,
        reason: input.reason ?? `update from ${input.source}`,
      })
    : null;
  if (Object.keys(applied).length) {
    w.emit({
      type: 'catalog.part_updated',
      key: `part:${part.partNumber}`,
      payload: { partNumber: part.partNumber, applied, source: input.source },
    });
  }
  return { applied, changeRequest, reasons };
}

/** Re-decides the surviving value of one attribute from every source's latest value. */
async function recomputeGolden(
  w: Work,
  part: Part,
  attribute: string,
  rules: OwnershipRule[],
): Promise<void> {
  const lineage = await w.trx
    .selectFrom('part_attribute_sources')
    .select(['source', 'value_json', 'observed_at'])
    .where('tenant_id', '=', w.ctx.tenantId)
    .where('part_id', '=', part.id)
    .where('attribute', '=', attribute)
    .execute();
  const survivor = survivingValue(
    attribute,
    lineage.map((l) => ({
      source: l.source,
      value: JSON.parse(l.value_json) as unknown,
      observedAt: l.observed_at,
    })),
    rules,
  );
  if (!survivor.value) return;
  await setGolden(w, part, attribute, survivor.value.value, survivor.value.source, survivor.reason);
}

async function setGolden(
  w: Work,
  part: Part,
  attribute: string,
  value: unknown,
  source: string,
  rule: string,
): Promise<void> {
  const tenantId = w.ctx.tenantId;
  const now = isoTimestamp(w.ctx.clock);
  const before = await w.trx
    .selectFrom('part_attributes')
    .select(['value_json', 'source'])
    .where('tenant_id', '=', tenantId)
    .where('part_id', '=', part.id)
    .where('attribute', '=', attribute)
    .executeTakeFirst();
  const valueJson = JSON.stringify(value);
  if (before?.value_json === valueJson && before.source === source) return;
  await w.trx
    .insertInto('part_attributes')
    .values({
      tenant_id: tenantId,
      part_id: part.id,
      attribute,
      value_json: valueJson,
      source,
      rule,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'part_id', 'attribute'])
        .doUpdateSet({ value_json: valueJson, source, rule, updated_at: now }),
    )
    .execute();
  // The description is also a column of the part itself, read everywhere.
  if (attribute === 'description' && typeof value === 'string') {
    await w.trx
      .updateTable('parts')
      .set({ description: value, updated_at: now })
      .where('id', '=', part.id)
      .execute();
  }
  w.audit({
    action: 'part.attribute_changed',
    entityType: 'part',
    entityId: part.id,
    before: before ? { [attribute]: JSON.parse(before.value_json) as unknown, source: before.source } : null,
    after: { [attribute]: value, source },
    reason: rule,
  });
}

export async function partAttributes(r: Reader, partNumber: string) {
  const part = await requirePart(r.db, r.ctx.tenantId, partNumber);
  const golden = await r.db
    .selectFrom('part_attributes')
    .selectAll()
    .where('tenant_id', '=', r.ctx.tenantId)
    .where('part_id', '=', part.id)
    .orderBy('attribute')
    .execute();
  const lineage = await r.db
    .selectFrom('part_attribute_sources')
    .selectAll()
    .where('tenant_id', '=', r.ctx.tenantId)
    .where('part_id', '=', part.id)
    .orderBy('observed_at', 'desc')
    .execute();
  return {
    partNumber: part.partNumber,
    attributes: golden.map((g) => ({
      attribute: g.attribute,
      value: JSON.parse(g.value_json) as unknown,
      source: g.source,
      rule: g.rule,
      updatedAt: g.updated_at,
      lineage: lineage
        .filter((l) => l.attribute === g.attribute)
        .map((l) => ({
          source: l.source,
          value: JSON.parse(l.value_json) as unknown,
          observedAt: l.observed_at,
        })),
    })),
  };
}

function toChangeRequest(row: Database['change_requests'], partNumber: string): ChangeRequest {
  return {
    id: row.id,
    partNumber,
    changes: JSON.parse(row.changes_json) as Record<string, unknown>,
    source: row.source,
    reason: row.reason,
    status: row.status as ChangeRequest['status'],
    effectiveFrom: row.effective_from,
    emergency: Number(row.emergency) === 1,
    proposedBy: row.proposed_by,
    proposedAt: row.proposed_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    appliedAt: row.applied_at,
  };
}

/** Proposes a change (M2.6): validated now with the same rules as a direct write, applied only once approved. */
export async function proposeChange(w: Work, raw: ProposeChangeInput): Promise<ChangeRequest> {
  const input = proposeChangeSchema.parse(raw);
  const part = await requirePart(w.trx, w.ctx.tenantId, input.partNumber);
  const changes = await validateAttributes(w.trx, w.ctx.tenantId, input.changes);
  const now = isoTimestamp(w.ctx.clock);
  const row: Database['change_requests'] = {
    id: w.ctx.ids.next('chg'),
    tenant_id: w.ctx.tenantId,
    entity_type: 'part',
    entity_key: part.id,
    changes_json: JSON.stringify(changes),
    source: input.source,
    reason: input.reason,
    status: 'proposed',
    effective_from: input.effectiveFrom ? new Date(input.effectiveFrom).toISOString() : now,
    emergency: input.emergency ? 1 : 0,
    proposed_by: actorLabel(w.ctx.actor),
    proposed_at: now,
    decided_by: null,
    decided_at: null,
    decision_note: null,
    applied_at: null,
  };
  await w.trx.insertInto('change_requests').values(row).execute();
  const cr = toChangeRequest(row, part.partNumber);
  w.audit({
    action: 'change_request.proposed',
    entityType: 'change_request',
    entityId: row.id,
    after: cr,
    reason: input.reason,
  });
  w.emit({ type: 'catalog.change_requested', key: `part:${part.partNumber}`, payload: cr });
  return cr;
}

async function loadPending(w: Work, id: string): Promise<{ row: Database['change_requests']; part: Part }> {
  const row = await w.trx
    .selectFrom('change_requests')
    .selectAll()
    .where('tenant_id', '=', w.ctx.tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('CHANGE_REQUEST_NOT_FOUND', `No change request '${id}'`);
  if (row.status !== 'proposed')
    throw new AppError('CHANGE_REQUEST_NOT_PENDING', `Change request ${id} is ${row.status}`, {
      status: row.status,
    });
  const partRow = await w.trx
    .selectFrom('parts')
    .select('part_number')
    .where('id', '=', row.entity_key)
    .executeTakeFirstOrThrow();
  return { row, part: await requirePart(w.trx, w.ctx.tenantId, partRow.part_number) };
}

/** Approves a change; it applies at once when effective and not frozen, otherwise when due. */
export async function decideChange(
  w: Work,
  id: string,
  decision: 'approve' | 'reject',
  note: string | undefined,
): Promise<{ changeRequest: ChangeRequest; reason: string }> {
  const { row, part } = await loadPending(w, id);
  const now = isoTimestamp(w.ctx.clock);
  const decided = { decided_by: actorLabel(w.ctx.actor), decided_at: now, decision_note: note ?? null };
  if (decision === 'reject') {
    await w.trx
      .updateTable('change_requests')
      .set({ ...decided, status: 'rejected' })
      .where('id', '=', id)
      .where('status', '=', 'proposed')
      .execute();
    const cr = toChangeRequest({ ...row, ...decided, status: 'rejected' }, part.partNumber);
    w.audit({
      action: 'change_request.rejected',
      entityType: 'change_request',
      entityId: id,
      before: toChangeRequest(row, part.partNumber),
      after: cr,
      reason: note ?? null,
    });
    return { changeRequest: cr, reason: 'rejected' };
  }
  // Validated again: the rules or taxonomies may have changed since it was proposed.
  await validateAttributes(w.trx, w.ctx.tenantId, JSON.parse(row.changes_json) as Record<string, unknown>);
  await w.trx
    .updateTable('change_requests')
    .set({ ...decided, status: 'approved' })
    .where('id', '=', id)
    .where('status', '=', 'proposed')
    .execute();
  const approved = { ...row, ...decided, status: 'approved' };
  w.audit({
    action: 'change_request.approved',
    entityType: 'change_request',
    entityId: id,
    before: toChangeRequest(row, part.partNumber),
    after: toChangeRequest(approved, part.partNumber),
    reason: note ?? null,
  });
  const timing = decideTiming(
    row.effective_from,
    now,
    Number(row.emergency) === 1,
    await freezeWindows(w.trx, w.ctx.tenantId),
  );
  if (timing.when !== 'now')
    return { changeRequest: toChangeRequest(approved, part.partNumber), reason: timing.reason };
  const applied = await applyChange(w, approved, part);
  return { changeRequest: applied ?? toChangeRequest(approved, part.partNumber), reason: timing.reason };
}

async function applyChange(
  w: Work,
  row: Database['change_requests'],
  part: Part,
): Promise<ChangeRequest | null> {
  const now = isoTimestamp(w.ctx.clock);
  // Claimed first: of several hub processes applying due changes, only one gets each.
  const claimed = await w.trx
    .updateTable('change_requests')
    .set({ status: 'applied', applied_at: now })
    .where('id', '=', row.id)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return null;
  const changes = JSON.parse(row.changes_json) as Record<string, unknown>;
  for (const [attribute, value] of Object.entries(changes)) {
    await setGolden(
      w,
      part,
      attribute,
      value,
      row.source,
      `change request ${row.id} approved by ${row.decided_by ?? '?'}`,
    );
  }
  const cr = toChangeRequest({ ...row, status: 'applied', applied_at: now }, part.partNumber);
  w.audit({ action: 'change_request.applied', entityType: 'change_request', entityId: row.id, after: cr });
  w.emit({
    type: 'catalog.part_updated',
    key: `part:${part.partNumber}`,
    payload: { partNumber: part.partNumber, applied: changes, source: row.source, changeRequestId: row.id },
  });
  return cr;
}

/** Applies every approved change whose time has come and that no freeze window holds back. */
export async function applyDueChanges(w: Work): Promise<ChangeRequest[]> {
  const now = isoTimestamp(w.ctx.clock);
  const windows = await freezeWindows(w.trx, w.ctx.tenantId);
  const due = await w.trx
    .selectFrom('change_requests')
    .selectAll()
    .where('tenant_id', '=', w.ctx.tenantId)
    .where('status', '=', 'approved')
    .where('effective_from', '<=', now)
    .orderBy('effective_from')
    .limit(500)
    .execute();
  const out: ChangeRequest[] = [];
  for (const row of due) {
    if (decideTiming(row.effective_from, now, Number(row.emergency) === 1, windows).when !== 'now') continue;
    const partRow = await w.trx
      .selectFrom('parts')
      .select('part_number')
      .where('id', '=', row.entity_key)
      .executeTakeFirstOrThrow();
    const applied = await applyChange(w, row, await requirePart(w.trx, w.ctx.tenantId, partRow.part_number));
    if (applied) out.push(applied);
  }
  return out;
}

export async function listChangeRequests(
  r: Reader,
  status?: ChangeRequest['status'],
): Promise<ChangeRequest[]> {
  let qb = r.db
    .selectFrom('change_requests as c')
    .innerJoin('parts as p', 'p.id', 'c.entity_key')
    .selectAll('c')
    .select('p.part_number')
    .where('c.tenant_id', '=', r.ctx.tenantId);
  if (status) qb = qb.where('c.status', '=', status);
  const rows = await qb.orderBy('c.proposed_at', 'desc').limit(500).execute();
  return rows.map((row) => toChangeRequest(row, row.part_number));
}

export async function createFreezeWindow(w: Work, raw: unknown) {
  const input = freezeWindowSchema.parse(raw);
  const startsAt = new Date(input.startsAt).toISOString();
  const endsAt = new Date(input.endsAt).toISOString();
  if (endsAt <= startsAt)
    throw new AppError('FREEZE_WINDOW_INVALID', 'A freeze window must end after it starts');
  const row = {
    id: w.ctx.ids.next('frz'),
    tenant_id: w.ctx.tenantId,
    starts_at: startsAt,
    ends_at: endsAt,
    reason: input.reason,
    created_by: actorLabel(w.ctx.actor),
    created_at: isoTimestamp(w.ctx.clock),
  };
  await w.trx.insertInto('freeze_windows').values(row).execute();
  const window = { id: row.id, startsAt, endsAt, reason: input.reason, createdBy: row.created_by };
  w.audit({
    action: 'freeze_window.created',
    entityType: 'freeze_window',
    entityId: row.id,
    after: window,
    reason: input.reason,
  });
  return window;
}

export async function listFreezeWindows(r: Reader) {
  const rows = await r.db
    .selectFrom('freeze_windows')
    .selectAll()
    .where('tenant_id', '=', r.ctx.tenantId)
    .orderBy('starts_at')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    reason: row.reason,
    createdBy: row.created_by,
  }));
}

/** The golden record's `cost` of each part (what approvals weigh); parts without one are absent. */
export async function partCosts(r: Reader, partNumbers: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (partNumbers.length === 0) return out;
  const rows = await r.db
    .selectFrom('part_attributes as a')
    .innerJoin('parts as p', (j) =>
      j.onRef('p.id', '=', 'a.part_id').onRef('p.tenant_id', '=', 'a.tenant_id'),
    )
    .select(['p.part_number', 'a.value_json'])
    .where('a.tenant_id', '=', r.ctx.tenantId)
    .where('a.attribute', '=', 'cost')
    .where('p.part_number', 'in', [...new Set(partNumbers)])
    .execute();
  for (const row of rows) {
    const value = JSON.parse(row.value_json) as unknown;
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
    if (Number.isFinite(n) && n >= 0) out.set(row.part_number, n);
  }
  return out;
}
