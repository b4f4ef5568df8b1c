import type { Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { actorLabel } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { fromMilli } from '../../platform/quantity.js';
import { requirePart, type Part } from '../catalog/index.js';
import { decideShortfall } from './allocation.js';
import type { CountInput, Reservation, StockStatus } from './inventory.schemas.js';
import { requireLocation } from './locations.service.js';
import { quantityToMilli } from './movement-plan.js';
import { reservationPolicy } from './policies.js';
import { requireReasonCode } from './reason-codes.js';
import { preemptForShortfall } from './reservations.service.js';
import { readBalance } from './stock.repository.js';
import { applyMovement } from './stock.service.js';

export interface CountLineResult {
  partNumber: string;
  status: StockStatus;
  expected: number;
  counted: number;
  difference: number;
  movementId: string | null;
}

export interface CountResult {
  countId: string;
  lines: CountLineResult[];
  preempted: Reservation[];
  masterDataCorrectionRequested: boolean;
}

/**
 * Posts a cycle count or a technician's discrepancy report (M3.6): each difference becomes an
 * adjustment with the reason code. When less is found than is reserved, the weakest
 * reservations give way first. A master-data cause asks the owning systems for a correction.
 */
export async function postCount(w: Work, input: CountInput): Promise<CountResult> {
  const tenantId = w.ctx.tenantId;
  const location = await requireLocation(w.trx, tenantId, input.locationCode);
  const reason = await requireReasonCode(w.trx, tenantId, input.reasonCode);
  const now = isoTimestamp(w.ctx.clock);
  const seen = new Set<string>();
  const lines: CountLineResult[] = [];
  const preempted: Reservation[] = [];

  for (const line of input.lines) {
    const lineKey = `${line.partNumber}|${line.status}`;
    if (seen.has(lineKey))
      throw new AppError('MOVEMENT_INVALID', `Part ${line.partNumber} (${line.status}) is counted twice`);
    seen.add(lineKey);
    const part = await requirePart(w.trx, tenantId, line.partNumber);
    if (part.tracking !== 'none') {
      throw new AppError(
        'MOVEMENT_INVALID',
        `Part ${part.partNumber} is tracked by ${part.tracking}: post its count as movements naming each ${part.tracking}`,
      );
    }
    const countedMilli = line.countedQuantity === 0 ? 0 : quantityToMilli(part, line.countedQuantity);
    const counted = await countBalance(w, {
      part,
      location,
      status: line.status,
      countedMilli,
      reasonCode: reason.code,
      reference: input.kind,
    });
    preempted.push(...counted.preempted);
    lines.push({
      partNumber: part.partNumber,
      status: line.status,
      expected: fromMilli(counted.expectedMilli),
      counted: fromMilli(countedMilli),
      difference: fromMilli(countedMilli - counted.expectedMilli),
      movementId: counted.movementId,
    });
  }

  const countId = w.ctx.ids.next('cnt');
  await w.trx
    .insertInto('stock_counts')
    .values({
      id: countId,
      tenant_id: tenantId,
      location_id: location.id,
      kind: input.kind,
      reason_code: reason.code,
      lines_json: JSON.stringify(lines),
      reported_by: actorLabel(w.ctx.actor),
      created_at: now,
    })
    .execute();
  const masterDataCorrectionRequested =
    reason.cause === 'master_data' && lines.some((l) => l.difference !== 0);
  const result: CountResult = { countId, lines, preempted, masterDataCorrectionRequested };
  w.audit({
    action: `stock.${input.kind}`,
    entityType: 'stock_count',
    entityId: countId,
    after: { locationCode: location.code, ...result, note: input.note ?? null },
    reason: reason.code,
  });
  w.emit({
    type: 'inventory.count_posted',
    key: `location:${location.code}`,
    payload: { locationCode: location.code, kind: input.kind, ...result },
  });
  if (masterDataCorrectionRequested) {
    // The ERP and the FSM each open their own correction task from this event (M3.6).
    w.emit({
      type: 'inventory.master_data_correction_requested',
      key: `location:${location.code}`,
      payload: {
        countId,
        locationCode: location.code,
        reasonCode: reason.code,
        reason: reason.description,
        lines: lines.filter((l) => l.difference !== 0),
      },
    });
  }
  return result;
}

/**
 * Sets one balance to a counted quantity: the difference becomes an adjustment, and when
 * less is counted than is reserved the weakest reservations give way first (by policy).
 */
export async function countBalance(
  w: Work,
  args: {
    part: Part;
    location: { id: string; code: string };
    status: StockStatus;
    countedMilli: number;
    reasonCode: string;
    reference: string;
  },
): Promise<{ expectedMilli: number; movementId: string | null; preempted: Reservation[] }> {
  const { part, location, countedMilli } = args;
  const tenantId = w.ctx.tenantId;
  const key = { tenantId, partId: part.id, locationId: location.id, status: args.status };
  const balance = await readBalance(w.trx, key);
  const difference = countedMilli - balance.onHand;
  if (difference === 0) return { expectedMilli: balance.onHand, movementId: null, preempted: [] };
  const preempted: Reservation[] = [];
  if (countedMilli < balance.reserved) {
    const policy = await reservationPolicy(w.trx, tenantId);
    const shortfall = balance.reserved - countedMilli;
    preempted.push(
      ...(await preemptForShortfall(
        w,
        part,
        location,
        (claims) => decideShortfall(policy, claims, shortfall),
        `count at ${location.code} found ${fromMilli(countedMilli)}, below the ${fromMilli(balance.reserved)} reserved`,
      )),
    );
  }
  const result = await applyMovement(w, {
    type: 'adjustment',
    part,
    deltas: [{ locationId: location.id, status: args.status, serial: '', lot: '', deltaMilli: difference }],
    locationCodes: new Map([[location.id, location.code]]),
    reasonCode: args.reasonCode,
    reference: args.reference,
    consumesReservation: false,
  });
  return { expectedMilli: balance.onHand, movementId: result.movementId, preempted };
}
