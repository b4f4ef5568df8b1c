import type { Kysely } from 'kysely';
import type { Database, Trx } from '../../db/index.js';
import type { Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { actorLabel } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { compileMapping } from './mapping.js';
import {
  flowSaveSchema,
  mappingInputSchema,
  systemInputSchema,
  type Flow,
  type IntegrationSystem,
  type Mapping,
} from './integration.schemas.js';

type Db = Kysely<Database> | Trx;

// --- systems -----------------------------------------------------------------------------

export async function saveSystem(w: Work, raw: unknown): Promise<IntegrationSystem> {
  const input = systemInputSchema.parse(raw);
  const now = isoTimestamp(w.ctx.clock);
  const before = await findSystem(w.trx, w.ctx.tenantId, input.code);
  const row = {
    tenant_id: w.ctx.tenantId,
    code: input.code,
    kind: input.kind,
    name: input.name,
    owner_team: input.ownerTeam,
    escalation_json: JSON.stringify(input.escalation),
    updated_at: now,
  };
  if (before)
    await w.trx
      .updateTable('integration_systems')
      .set(row)
      .where('tenant_id', '=', w.ctx.tenantId)
      .where('code', '=', input.code)
      .execute();
  else
    await w.trx
      .insertInto('integration_systems')
      .values({ ...row, created_at: now })
      .execute();
  const after = await requireSystem(w.trx, w.ctx.tenantId, input.code);
  w.audit({
    action: before ? 'integration.system_updated' : 'integration.system_created',
    entityType: 'integration_system',
    entityId: input.code,
    before,
    after,
  });
  return after;
}

export async function listSystems(db: Db, tenantId: string): Promise<IntegrationSystem[]> {
  const rows = await db
    .selectFrom('integration_systems')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('code')
    .execute();
  return rows.map(toSystem);
}

async function findSystem(db: Db, tenantId: string, code: string): Promise<IntegrationSystem | null> {
  const row = await db
    .selectFrom('integration_systems')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('code', '=', code)
    .executeTakeFirst();
  return row ? toSystem(row) : null;
}

export async function requireSystem(db: Db, tenantId: string, code: string): Promise<IntegrationSystem> {
  const system = await findSystem(db, tenantId, code);
  if (!system) throw new AppError('SYSTEM_NOT_FOUND', `No external system '${code}'`);
  return system;
}

function toSystem(row: Database['integration_systems']): IntegrationSystem {
  return {
    code: row.code,
    kind: row.kind as IntegrationSystem['kind'],
    name: row.name,
    ownerTeam: row.owner_team,
    escalation: JSON.parse(row.escalation_json) as IntegrationSystem['escalation'],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// --- mappings ------------------------------------------------------------------------------

/** Saves a new version of a mapping; versions never change once saved, so a flow can pin one. */
export async function addMappingVersion(w: Work, raw: unknown): Promise<Mapping> {
  const input = mappingInputSchema.parse(raw);
  compileMapping(input.expression); // refuse what does not compile, before it is stored
  const latest = await w.trx
    .selectFrom('integration_mappings')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('tenant_id', '=', w.ctx.tenantId)
    .where('code', '=', input.code)
    .executeTakeFirst();
  const version = Number(latest?.version ?? 0) + 1;
  const now = isoTimestamp(w.ctx.clock);
  await w.trx
    .insertInto('integration_mappings')
    .values({
      tenant_id: w.ctx.tenantId,
      code: input.code,
      version,
      expression: input.expression,
      description: input.description,
      created_by: actorLabel(w.ctx.actor),
      created_at: now,
    })
    .execute();
  const mapping = await requireMapping(w.trx, w.ctx.tenantId, input.code, version);
  w.audit({
    action: 'integration.mapping_version_added',
    entityType: 'integration_mapping',
    entityId: `${input.code}@${version}`,
    after: mapping,
  });
  return mapping;
}

export async function requireMapping(
  db: Db,
  tenantId: string,
  code: string,
  version: number,
): Promise<Mapping> {
  const row = await db
    .selectFrom('integration_mappings')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('code', '=', code)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new AppError('MAPPING_NOT_FOUND', `No mapping '${code}' version ${version}`);
  return toMapping(row);
}

export async function listMappings(db: Db, tenantId: string, code?: string): Promise<Mapping[]> {
  let qb = db.selectFrom('integration_mappings').selectAll().where('tenant_id', '=', tenantId);
  if (code) qb = qb.where('code', '=', code);
  return (await qb.orderBy('code').orderBy('version').execute()).map(toMapping);
}

function toMapping(row: Database['integration_mappings']): Mapping {
  return {
    code: row.code,
    version: Number(row.version),
    expression: row.expression,
    description: row.description,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

// --- flows ---------------------------------------------------------------------------------

export async function saveFlow(w: Work, raw: unknown): Promise<Flow> {
  const input = flowSaveSchema.parse(raw);
  const tenantId = w.ctx.tenantId;
  await requireSystem(w.trx, tenantId, input.systemCode);
  await requireMapping(w.trx, tenantId, input.mappingCode, input.mappingVersion);
  if (input.state === 'scheduled' && !input.goLiveAt)
    throw new AppError('VALIDATION_FAILED', 'A scheduled flow needs goLiveAt');
  const now = isoTimestamp(w.ctx.clock);
  const before = await findFlow(w.trx, tenantId, input.code);
  const row = {
    tenant_id: tenantId,
    code: input.code,
    system_code: input.systemCode,
    entity: input.entity,
    direction: input.direction,
    format: input.format,
    transport: input.transport,
    mode: input.mode,
    schedule: input.schedule ?? null,
    windows_json: JSON.stringify(input.windows),
    interface_version: input.interfaceVersion,
    state: input.state,
    go_live_at: input.goLiveAt ?? null,
    mapping_code: input.mappingCode,
    mapping_version: input.mappingVersion,
    options_json: JSON.stringify(input.options),
    connector_json: input.connector ? JSON.stringify(input.connector) : null,
    retention_days: input.retentionDays,
    updated_at: now,
  };
  if (before)
    await w.trx
      .updateTable('integration_flows')
      .set(row)
      .where('tenant_id', '=', tenantId)
      .where('code', '=', input.code)
      .execute();
  else
    await w.trx
      .insertInto('integration_flows')
      .values({ ...row, created_at: now })
      .execute();
  if (input.webhookSecrets) {
    await w.trx
      .deleteFrom('integration_flow_secrets')
      .where('tenant_id', '=', tenantId)
      .where('flow_code', '=', input.code)
      .execute();
    await w.trx
      .insertInto('integration_flow_secrets')
      .values({
        tenant_id: tenantId,
        flow_code: input.code,
        secrets_json: JSON.stringify(input.webhookSecrets),
        updated_at: now,
      })
      .execute();
  }
  const after = await requireFlow(w.trx, tenantId, input.code);
  // Secrets are never in the audit trail: only that they changed.
  w.audit({
    action: before ? 'integration.flow_updated' : 'integration.flow_created',
    entityType: 'integration_flow',
    entityId: input.code,
    before,
    after: { ...after, webhookSecretsChanged: Boolean(input.webhookSecrets) },
  });
  return after;
}

/** Flows with whether each has a webhook secret, in one query (the secrets themselves stay out). */
function flowsQuery(db: Db, tenantId: string) {
  return db
    .selectFrom('integration_flows as f')
    .selectAll('f')
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('integration_flow_secrets as s')
            .select('s.flow_code')
            .whereRef('s.tenant_id', '=', 'f.tenant_id')
            .whereRef('s.flow_code', '=', 'f.code'),
        )
        .as('has_secret'),
    )
    .where('f.tenant_id', '=', tenantId);
}

export async function listFlows(db: Db, tenantId: string): Promise<Flow[]> {
  const rows = await flowsQuery(db, tenantId).orderBy('f.code').execute();
  return rows.map((row) => toFlow(row, Boolean(row.has_secret)));
}

async function findFlow(db: Db, tenantId: string, code: string): Promise<Flow | null> {
  const row = await flowsQuery(db, tenantId).where('f.code', '=', code).executeTakeFirst();
  return row ? toFlow(row, Boolean(row.has_secret)) : null;
}

export async function requireFlow(db: Db, tenantId: string, code: string): Promise<Flow> {
  const flow = await findFlow(db, tenantId, code);
  if (!flow) throw new AppError('FLOW_NOT_FOUND', `No flow '${code}'`);
  return flow;
}

/** The flow's webhook secrets, for verification only; never returned by the API. */
export async function webhookSecrets(db: Db, tenantId: string, flowCode: string): Promise<string[]> {
  const row = await db
    .selectFrom('integration_flow_secrets')
    .select('secrets_json')
    .where('tenant_id', '=', tenantId)
    .where('flow_code', '=', flowCode)
    .executeTakeFirst();
  return row ? (JSON.parse(row.secrets_json) as string[]) : [];
}

function toFlow(row: Database['integration_flows'], hasWebhookSecret: boolean): Flow {
  return {
    code: row.code,
    systemCode: row.system_code,
    entity: row.entity,
    direction: row.direction as Flow['direction'],
    format: row.format as Flow['format'],
    transport: row.transport as Flow['transport'],
    mode: row.mode as Flow['mode'],
    ...(row.schedule ? { schedule: row.schedule } : {}),
    windows: JSON.parse(row.windows_json) as Flow['windows'],
    interfaceVersion: row.interface_version,
    state: row.state as Flow['state'],
    ...(row.go_live_at ? { goLiveAt: row.go_live_at } : {}),
    mappingCode: row.mapping_code,
    mappingVersion: Number(row.mapping_version),
    options: JSON.parse(row.options_json) as Flow['options'],
    connector: row.connector_json ? (JSON.parse(row.connector_json) as Flow['connector']) : null,
    retentionDays: Number(row.retention_days),
    hasWebhookSecret,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
