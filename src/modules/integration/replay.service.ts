import type { Store } from '../../db/index.js';
import { runWork, type Work } from '../../kernel/index.js';
import type { Ctx } from '../../platform/context.js';
import { isAppError } from '../../platform/errors.js';
import { applyCommand, previewCommand, validateCommand } from './commands.js';
import { decodeInbound } from './decode.js';
import { cachedMapping, evaluateMapping } from './mapping.js';
import { requireFlow, requireMapping } from './systems.service.js';

export interface ReplayMessage {
  id: string;
  body: string;
  receivedAt: string;
}

export interface EntityDiff {
  entity: string;
  /** The state before the replay (production's, or the sandbox's when it was copied). */
  before: unknown;
  /** The state the replayed messages lead to. */
  after: unknown;
  messages: string[];
}

export interface ReplayReport {
  flow: string;
  mapping: string;
  mode: 'dry_run' | 'sandbox';
  messages: number;
  applied: number;
  failed: Array<{ id: string; code: string; detail: string }>;
  diffs: EntityDiff[];
}

/** Thrown to roll a dry run back once its results are collected; never retried. */
class DryRunDone extends Error {
  constructor() {
    super('dry run finished');
  }
}

/**
 * Runs captured inbound messages through a chosen mapping version into `target` and reports,
 * entity by entity, what they change. In a sandbox (its own database) the changes stay there;
 * a dry run does the same inside one transaction on the given store and rolls it back, so
 * production never sees it. Messages run in order, each applied whole or reported as failed.
 */
export async function replayMessages(
  target: Store,
  ctx: Ctx,
  input: {
    flowCode: string;
    mappingVersion?: number;
    messages: ReplayMessage[];
    mode: 'dry_run' | 'sandbox';
  },
): Promise<ReplayReport> {
  const setup = await runWork(target, ctx, async (w) => {
    const flow = await requireFlow(w.trx, ctx.tenantId, input.flowCode);
    const mapping = await requireMapping(
      w.trx,
      ctx.tenantId,
      flow.mappingCode,
      input.mappingVersion ?? flow.mappingVersion,
    );
    return { flow, mapping };
  });
  const { flow, mapping } = setup;
  const expression = cachedMapping(`${ctx.tenantId}|${mapping.code}@${mapping.version}`, mapping.expression);
  const report: ReplayReport = {
    flow: flow.code,
    mapping: `${mapping.code}@${mapping.version}`,
    mode: input.mode,
    messages: input.messages.length,
    applied: 0,
    failed: [],
    diffs: [],
  };
  const diffs = new Map<string, EntityDiff>();

  // One message: decode, map with the chosen version, preview (for the diff) and apply.
  const replayOne = async (w: Work, message: ReplayMessage) => {
    const decoded = await decodeInbound(flow, message.body, message.id);
    if (decoded.refusal)
      throw Object.assign(new Error(decoded.refusal.message), { code: decoded.refusal.code });
    const commands = [];
    for (const doc of decoded.documents) commands.push(...(await evaluateMapping(expression, doc.message)));
    for (const c of commands) validateCommand(c);
    const seen: Array<{ entity: string; before: unknown; after: unknown }> = [];
    for (const c of commands) {
      const preview = await previewCommand(w, c);
      seen.push(preview);
      await applyCommand(w, c, `replay ${message.id}`);
    }
    return seen;
  };
  const record = (
    message: ReplayMessage,
    seen: Array<{ entity: string; before: unknown; after: unknown }>,
  ) => {
    report.applied += 1;
    for (const preview of seen) {
      const diff = diffs.get(preview.entity);
      if (!diff)
        diffs.set(preview.entity, {
          entity: preview.entity,
          before: preview.before,
          after: preview.after,
          messages: [message.id],
        });
      else {
        diff.after = preview.after;
        if (!diff.messages.includes(message.id)) diff.messages.push(message.id);
      }
    }
  };
  const fail = (message: ReplayMessage, error: unknown) => {
    const code = isAppError(error) ? error.code : ((error as { code?: string }).code ?? 'INTERNAL_ERROR');
    report.failed.push({ id: message.id, code, detail: (error as Error).message });
  };

  if (input.mode === 'sandbox') {
    // In a sandbox each message is its own unit of work, as in production.
    for (const message of input.messages) {
      try {
        record(message, await runWork(target, ctx, (w) => replayOne(w, message)));
      } catch (error) {
        fail(message, error);
      }
    }
  } else {
    try {
      await runWork(target, ctx, async (w) => {
        for (const message of input.messages) {
          try {
            record(message, await replayOne(w, message));
          } catch (error) {
            // Half a message cannot be undone inside the one rolled-back unit: stop here
            // rather than report a state with part of a failed message in it.
            fail(message, error);
            break;
          }
        }
        throw new DryRunDone();
      });
    } catch (error) {
      if (!(error instanceof DryRunDone)) throw error;
    }
  }
  report.diffs = [...diffs.values()].filter((d) => JSON.stringify(d.before) !== JSON.stringify(d.after));
  return report;
}

/** Captured messages of a flow in a time range, oldest first (from the inbox). */
export async function capturedMessages(
  store: Store,
  tenantId: string,
  flowCode: string,
  range: { from?: string | undefined; to?: string | undefined },
): Promise<ReplayMessage[]> {
  let qb = store.db
    .selectFrom('inbox_messages')
    .select(['id', 'body', 'received_at'])
    .where('tenant_id', '=', tenantId)
    .where('flow_code', '=', flowCode);
  if (range.from) qb = qb.where('received_at', '>=', range.from);
  if (range.to) qb = qb.where('received_at', '<', range.to);
  const rows = await qb.orderBy('received_at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, body: r.body, receivedAt: r.received_at }));
}
