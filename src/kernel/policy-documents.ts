import type { Kysely } from 'kysely';
import type { ZodType } from 'zod';
import type { Database, Trx } from '../db/index.js';
import { isoTimestamp } from '../platform/clock.js';
import { actorLabel } from '../platform/context.js';
import { AppError } from '../platform/errors.js';
import type { Work } from './work.js';

/** A policy: the schema its body must pass, and the body in force until a tenant saves one. */
export interface PolicySpec<B = unknown> {
  schema: ZodType<B>;
  defaults: B;
}

export interface PolicyDocument<N extends string = string, B = unknown> {
  name: N;
  /** 0 while the defaults are in force. */
  version: number;
  body: B;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** The tables that hold policy documents, one per module, all of the same shape. */
export type PolicyTable = 'policies' | 'fulfillment_policies';

type Specs = Record<string, PolicySpec>;
type BodyOf<S extends Specs, N extends keyof S> = S[N]['defaults'];

export interface PolicyDocuments<S extends Specs> {
  get<N extends keyof S & string>(
    db: Kysely<Database> | Trx,
    tenantId: string,
    name: N,
  ): Promise<PolicyDocument<N, BodyOf<S, N>>>;
  /** Replaces a policy; `expectedVersion` guards against overwriting someone else's edit. */
  put<N extends keyof S & string>(
    w: Work,
    name: N,
    body: unknown,
    options?: { expectedVersion?: number | undefined; reason?: string | undefined },
  ): Promise<PolicyDocument<N, BodyOf<S, N>>>;
}

/**
 * Configuration as data, one versioned document per tenant and name in a module's table:
 * the defaults apply until a tenant saves its own; a new body must pass the policy's schema;
 * the version is compared again in the write, so two concurrent edits cannot both pass; each
 * change is audited and announced as `<module>.policy_updated`. A stored body is read through
 * the schema too, so fields a later version adds get their defaults.
 */
export function policyDocuments<S extends Specs>(
  table: PolicyTable,
  module: string,
  specs: S,
): PolicyDocuments<S> {
  async function get<N extends keyof S & string>(
    db: Kysely<Database> | Trx,
    tenantId: string,
    name: N,
  ): Promise<PolicyDocument<N, BodyOf<S, N>>> {
    const spec = specs[name] as PolicySpec<BodyOf<S, N>>;
    const row = await db
      .selectFrom(table)
      .select(['version', 'body_json', 'updated_at', 'updated_by'])
      .where('tenant_id', '=', tenantId)
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) return { name, version: 0, body: spec.defaults, updatedAt: null, updatedBy: null };
    return {
      name,
      version: Number(row.version),
      body: spec.schema.parse(JSON.parse(row.body_json)),
      updatedAt: row.updated_at,
      updatedBy: row.updated_by,
    };
  }

  async function put<N extends keyof S & string>(
    w: Work,
    name: N,
    body: unknown,
    options: { expectedVersion?: number | undefined; reason?: string | undefined } = {},
  ): Promise<PolicyDocument<N, BodyOf<S, N>>> {
    const parsed = (specs[name] as PolicySpec<BodyOf<S, N>>).schema.safeParse(body);
    if (!parsed.success)
      throw new AppError(
        'POLICY_INVALID',
        `Policy '${name}' is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const before = await get(w.trx, w.ctx.tenantId, name);
    const { expectedVersion } = options;
    if (expectedVersion !== undefined && expectedVersion !== before.version)
      throw new AppError(
        'POLICY_INVALID',
        `Policy '${name}' is at version ${before.version}, not ${expectedVersion}`,
      );
    const now = isoTimestamp(w.ctx.clock);
    const row = {
      tenant_id: w.ctx.tenantId,
      name,
      version: before.version + 1,
      body_json: JSON.stringify(parsed.data),
      updated_at: now,
      updated_by: actorLabel(w.ctx.actor),
    };
    let count: number;
    if (before.version === 0) {
      const inserted = await w.trx
        .insertInto(table)
        .values(row)
        .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
        .executeTakeFirst();
      count = Number(inserted.numInsertedOrUpdatedRows ?? 0);
    } else {
      const updated = await w.trx
        .updateTable(table)
        .set({ version: row.version, body_json: row.body_json, updated_at: now, updated_by: row.updated_by })
        .where('tenant_id', '=', row.tenant_id)
        .where('name', '=', name)
        .where('version', '=', before.version)
        .executeTakeFirst();
      count = Number(updated.numUpdatedRows);
    }
    if (count !== 1)
      throw new AppError('POLICY_INVALID', `Policy '${name}' was changed meanwhile: read it again`);
    const after: PolicyDocument<N, BodyOf<S, N>> = {
      name,
      version: row.version,
      body: parsed.data,
      updatedAt: now,
      updatedBy: row.updated_by,
    };
    // `before` is the document in force, the defaults (version 0) included.
    w.audit({
      action: 'policy.updated',
      entityType: 'policy',
      entityId: name,
      before,
      after,
      reason: options.reason ?? null,
    });
    w.emit({ type: `${module}.policy_updated`, key: `policy:${name}`, payload: after });
    return after;
  }

  return { get, put };
}
