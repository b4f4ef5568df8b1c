import { z } from 'zod';
import type { Work } from '../../kernel/index.js';
import { AppError, isAppError } from '../../platform/errors.js';
import { convertToBase, createPart, requirePart, updatePartAttributes, type Part } from '../catalog/index.js';
import {
  acknowledgeRequisition,
  cancelWorkOrder,
  completeWorkOrder,
  completionInputSchema,
  planWorkOrder,
  receiveWorkOrder,
  recordShipment,
  requisitionAckInputSchema,
  workOrderInputSchema,
} from '../fulfillment/index.js';
import {
  confirmPutaway,
  confirmShipment,
  postCount,
  postMovement,
  previewPutaway,
  previewShipment,
  putawayInputSchema,
  queryStock,
  shipmentInputSchema,
} from '../inventory/index.js';
import type { MappedCommand } from './mapping.js';

/**
 * The commands a mapping may ask for, each with its input schema, a preview (what it would
 * change, for shadow flows and replay) and how it is applied: always through the owning
 * domain module, never by writing its tables here. Quantities arrive in the sender's unit
 * and are converted to the part's base unit by the catalog.
 */
const partNumber = z.string().trim().min(1).max(80);
const quantityIn = { quantity: z.number().finite(), uom: z.string().trim().min(1).max(20).optional() };

/**
 * A snapshot line, either canonical (an inventory advice line, passed through by the mapping
 * as it is, which costs nothing per line) or flat ({ partNumber, quantity, uom }).
 */
const snapshotLine = z
  .object({
    partNumber: partNumber.optional(),
    item: z.object({ partNumber }).loose().optional(),
    quantity: z.number().finite(),
    uom: z.string().trim().min(1).max(20).optional(),
    locationCode: z.string().trim().min(1).optional(),
    quantityKind: z.string().optional(),
    lineNumber: z.string().optional(),
  })
  .loose()
  .refine(
    (line) => line.partNumber !== undefined || line.item !== undefined,
    'a line needs partNumber or item.partNumber',
  );

export type SnapshotCommandInput = z.infer<(typeof schemas)['stock.snapshot']>;

/** The snapshot command's input, validated; for snapshot flows, which apply it chunk by chunk. */
export function snapshotInput(cmd: MappedCommand): SnapshotCommandInput {
  if (cmd.command !== 'stock.snapshot')
    throw new AppError(
      'COMMAND_INVALID',
      `a snapshot flow's mapping must produce stock.snapshot, not ${cmd.command}`,
    );
  return parse({ ...cmd, command: 'stock.snapshot' });
}

const schemas = {
  'part.upsert': z
    .object({
      partNumber,
      description: z.string().trim().min(1).max(500),
      baseUom: z.string().trim().min(1).max(20),
      source: z.string().trim().min(1).max(40),
      attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    })
    .strict(),
  'stock.receive': z
    .object({
      partNumber,
      locationCode: z.string().min(1),
      ...quantityIn,
      reference: z.string().max(200).optional(),
    })
    .strict(),
  'stock.adjust': z
    .object({
      partNumber,
      locationCode: z.string().min(1),
      ...quantityIn,
      reasonCode: z.string().min(1),
      reference: z.string().max(200).optional(),
    })
    .strict(),
  'stock.count': z
    .object({
      locationCode: z.string().min(1),
      reasonCode: z.string().min(1).default('CYCLE_COUNT'),
      lines: z.array(z.object({ partNumber, ...quantityIn }).strict()).min(1),
    })
    .strict(),
  'stock.snapshot': z
    .object({
      /** For lines that do not name their own location. */
      locationCode: z.string().trim().min(1).optional(),
      lines: z.array(snapshotLine).max(100_000),
    })
    .strict(),
  // Put-away and pick/ship confirmations from a WMS (944, 945, JSON), applied by inventory.
  'warehouse.putaway': putawayInputSchema,
  'warehouse.shipment': shipmentInputSchema,
  // A job from the FSM: sourced, reserved and requisitioned by the fulfillment module.
  'work_order.receive': workOrderInputSchema,
  'work_order.cancel': z
    .object({ externalRef: z.string().trim().min(1).max(100), reason: z.string().trim().min(1).max(500) })
    .strict(),
  'work_order.complete': completionInputSchema.extend({ externalRef: z.string().trim().min(1).max(100) }),
  // The ERP's answer to a requisition (an 855 or a status message).
  'requisition.acknowledge': requisitionAckInputSchema,
} as const;

export type CommandName = keyof typeof schemas;
export const COMMAND_NAMES = Object.keys(schemas) as CommandName[];

export interface CommandPreview {
  command: CommandName;
  entity: string;
  change: 'create' | 'update' | 'none';
  before: unknown;
  after: unknown;
}

function parse<C extends CommandName>(cmd: MappedCommand & { command: C }): z.infer<(typeof schemas)[C]> {
  const schema = schemas[cmd.command] as unknown as z.ZodType<z.infer<(typeof schemas)[C]>>;
  const parsed = schema.safeParse(cmd.input);
  if (!parsed.success)
    throw new AppError(
      'COMMAND_INVALID',
      `${cmd.command}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

function known(cmd: MappedCommand): cmd is MappedCommand & { command: CommandName } {
  return (COMMAND_NAMES as string[]).includes(cmd.command);
}

function requireKnown(cmd: MappedCommand): asserts cmd is MappedCommand & { command: CommandName } {
  if (!known(cmd))
    throw new AppError(
      'COMMAND_UNKNOWN',
      `Unknown command '${cmd.command}': one of ${COMMAND_NAMES.join(', ')}`,
    );
}

async function baseQuantity(w: Work, pn: string, quantity: number, uom: string | undefined): Promise<number> {
  if (!uom) return quantity;
  const converted = await convertToBase(
    { db: w.trx, ctx: w.ctx, dialect: w.dialect },
    { partNumber: pn, quantity, uom },
  );
  return converted.quantity;
}

async function onHand(w: Work, pn: string, locationCode: string): Promise<number> {
  const rows = await queryStock({ db: w.trx, ctx: w.ctx, dialect: w.dialect }, 'admin', {
    partNumber: pn,
    locationCode,
    status: 'available',
    limit: 10,
  });
  return rows.reduce((sum, r) => sum + r.onHand, 0);
}

async function findPart(w: Work, pn: string): Promise<Part | null> {
  try {
    return await requirePart(w.trx, w.ctx.tenantId, pn);
  } catch (error) {
    if (isAppError(error) && error.code === 'PART_NOT_FOUND') return null;
    throw error;
  }
}

function snapshotOutsideFlow(): AppError {
  return new AppError(
    'COMMAND_INVALID',
    'stock.snapshot is applied chunk by chunk by a snapshot flow (options.snapshot), not as a single command',
  );
}

/** Validates a command without changing anything (so a bad message changes nothing at all). */
export function validateCommand(cmd: MappedCommand): void {
  requireKnown(cmd);
  parse(cmd);
}

/** What the command would change, read inside the same transaction as the real apply would be. */
export async function previewCommand(w: Work, cmd: MappedCommand): Promise<CommandPreview> {
  requireKnown(cmd);
  switch (cmd.command) {
    case 'stock.snapshot':
      throw snapshotOutsideFlow();
    case 'part.upsert': {
      const input = parse({ ...cmd, command: 'part.upsert' });
      const part = await findPart(w, input.partNumber);
      const after = { description: input.description, baseUom: input.baseUom, ...(input.attributes ?? {}) };
      if (!part)
        return {
          command: cmd.command,
          entity: `part:${input.partNumber}`,
          change: 'create',
          before: null,
          after,
        };
      const before = { description: part.description, baseUom: part.baseUom };
      const same =
        part.description === input.description && part.baseUom === input.baseUom && !input.attributes;
      return {
        command: cmd.command,
        entity: `part:${input.partNumber}`,
        change: same ? 'none' : 'update',
        before,
        after,
      };
    }
    case 'stock.receive':
    case 'stock.adjust': {
      const input = parse({ ...cmd, command: cmd.command });
      const current = await onHand(w, input.partNumber, input.locationCode);
      const delta = await baseQuantity(w, input.partNumber, input.quantity, input.uom);
      return {
        command: cmd.command,
        entity: `stock:${input.partNumber}@${input.locationCode}`,
        change: delta === 0 ? 'none' : 'update',
        before: { onHand: current },
        after: { onHand: current + delta },
      };
    }
    case 'work_order.receive': {
      const input = parse({ ...cmd, command: 'work_order.receive' });
      const plan = await planWorkOrder(w, input);
      return {
        command: cmd.command,
        entity: `work_order:${input.externalRef}`,
        change: 'create',
        before: null,
        after: plan.lines.map((l) => ({ lineId: l.lineId, allocations: l.allocations, reasons: l.reasons })),
      };
    }
    case 'work_order.cancel':
    case 'work_order.complete': {
      const input = parse({ ...cmd, command: cmd.command });
      return {
        command: cmd.command,
        entity: `work_order:${input.externalRef}`,
        change: 'update',
        before: null,
        after:
          cmd.command === 'work_order.cancel' ? { status: 'cancelled' } : { status: 'completed', ...input },
      };
    }
    case 'requisition.acknowledge': {
      const input = parse({ ...cmd, command: 'requisition.acknowledge' });
      return {
        command: cmd.command,
        entity: `requisition:${input.requisitionId}`,
        change: 'update',
        before: null,
        after: input,
      };
    }
    case 'warehouse.putaway':
      return {
        command: cmd.command,
        ...(await previewPutaway(w, parse({ ...cmd, command: 'warehouse.putaway' }))),
      };
    case 'warehouse.shipment':
      return {
        command: cmd.command,
        ...(await previewShipment(w, parse({ ...cmd, command: 'warehouse.shipment' }))),
      };
    case 'stock.count': {
      const input = parse({ ...cmd, command: 'stock.count' });
      const lines = [];
      for (const line of input.lines) {
        const current = await onHand(w, line.partNumber, input.locationCode);
        lines.push({
          partNumber: line.partNumber,
          before: current,
          after: await baseQuantity(w, line.partNumber, line.quantity, line.uom),
        });
      }
      const changed = lines.filter((l) => l.before !== l.after);
      return {
        command: cmd.command,
        entity: `stock@${input.locationCode}`,
        change: changed.length === 0 ? 'none' : 'update',
        before: Object.fromEntries(changed.map((l) => [l.partNumber, l.before])),
        after: Object.fromEntries(changed.map((l) => [l.partNumber, l.after])),
      };
    }
  }
}

/**
 * Applies a command through its domain module, inside the caller's unit of work. `flowCode`
 * names the flow the message came through (work orders measure latency per flow).
 */
export async function applyCommand(
  w: Work,
  cmd: MappedCommand,
  reference: string,
  flowCode?: string,
): Promise<unknown> {
  requireKnown(cmd);
  switch (cmd.command) {
    case 'stock.snapshot':
      throw snapshotOutsideFlow();
    case 'part.upsert': {
      const input = parse({ ...cmd, command: 'part.upsert' });
      const part = await findPart(w, input.partNumber);
      if (!part) {
        const created = await createPart(w, {
          partNumber: input.partNumber,
          description: input.description,
          baseUom: input.baseUom,
          tracking: 'none',
        });
        if (input.attributes)
          await updatePartAttributes(w, input.partNumber, {
            attributes: input.attributes,
            source: input.source,
          });
        return { created: created.partNumber };
      }
      // An existing part changes only through ownership rules: a non-owner's values become a change request.
      return updatePartAttributes(w, input.partNumber, {
        attributes: { description: input.description, ...(input.attributes ?? {}) },
        source: input.source,
      });
    }
    case 'stock.receive': {
      const input = parse({ ...cmd, command: 'stock.receive' });
      return postMovement(w, {
        type: 'receipt',
        partNumber: input.partNumber,
        locationCode: input.locationCode,
        quantity: await baseQuantity(w, input.partNumber, input.quantity, input.uom),
        reference: input.reference ?? reference,
      });
    }
    case 'stock.adjust': {
      const input = parse({ ...cmd, command: 'stock.adjust' });
      return postMovement(w, {
        type: 'adjustment',
        partNumber: input.partNumber,
        locationCode: input.locationCode,
        quantity: await baseQuantity(w, input.partNumber, input.quantity, input.uom),
        reasonCode: input.reasonCode,
        reference: input.reference ?? reference,
      });
    }
    case 'warehouse.putaway':
      return confirmPutaway(w, parse({ ...cmd, command: 'warehouse.putaway' }), reference);
    case 'warehouse.shipment': {
      const shipment = await confirmShipment(w, parse({ ...cmd, command: 'warehouse.shipment' }), reference);
      // The jobs it served learn what is on its way and what is still short.
      await recordShipment(w, shipment);
      return shipment;
    }
    case 'stock.count': {
      const input = parse({ ...cmd, command: 'stock.count' });
      const lines = [];
      for (const line of input.lines)
        lines.push({
          partNumber: line.partNumber,
          status: 'available' as const,
          countedQuantity: await baseQuantity(w, line.partNumber, line.quantity, line.uom),
        });
      return postCount(w, {
        locationCode: input.locationCode,
        kind: 'cycle_count',
        reasonCode: input.reasonCode,
        note: `from ${reference}`,
        lines,
      });
    }
    case 'work_order.receive':
      return receiveWorkOrder(w, parse({ ...cmd, command: 'work_order.receive' }), { flowCode });
    case 'work_order.cancel': {
      const input = parse({ ...cmd, command: 'work_order.cancel' });
      return cancelWorkOrder(w, input.externalRef, input.reason);
    }
    case 'work_order.complete': {
      const { externalRef, ...completion } = parse({ ...cmd, command: 'work_order.complete' });
      return completeWorkOrder(w, externalRef, completion);
    }
    case 'requisition.acknowledge':
      return acknowledgeRequisition(w, parse({ ...cmd, command: 'requisition.acknowledge' }));
  }
}
