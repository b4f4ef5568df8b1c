/**
 * Kits (M4.6), the decisions: whether a bill of parts is an acceptable kit definition, what
 * a build takes from the stock at its location (or which components are short, by how
 * much), and whether a kit unit may be broken. Pure: the service reads the facts, these
 * functions decide and say why (docs/decisions/0015-kits.md).
 */
import { AppError } from '../../platform/errors.js';
import { fromMilli } from '../../platform/quantity.js';
import type { PartTracking } from '../catalog/index.js';
import { quantityToMilli } from './movement-plan.js';

/** At most this many different parts in one kit: a kit is a bill of parts, not a warehouse. */
export const MAX_KIT_COMPONENTS = 100;

export interface KitComponent {
  partNumber: string;
  tracking: PartTracking;
  quantityMilli: number;
}

export interface DefinitionFacts {
  kitPart: { partNumber: string; tracking: PartTracking; itemType: string | null };
  components: Array<{
    part: { partNumber: string; tracking: PartTracking; wholeUnits: boolean };
    quantity: number;
    /** The component has a kit definition of its own. */
    isKit: boolean;
  }>;
  /** Kits whose current definition lists the kit part as a component. */
  kitPartUsedIn: string[];
}

/**
 * Checks a bill of parts and returns it in milli-units, or refuses it (KIT_DEFINITION_INVALID)
 * with every reason at once, so the caller can fix the whole definition in one go.
 */
export function checkKitDefinition(facts: DefinitionFacts): {
  components: KitComponent[];
  reasons: string[];
} {
  const { kitPart } = facts;
  const problems: string[] = [];
  // A kit unit is told apart from its siblings by its serial: that is how a reservation,
  // a pick, a shipment or a break names the unit whose contents it concerns.
  if (kitPart.tracking !== 'serial')
    problems.push(
      `kit part ${kitPart.partNumber} must be serial-tracked (it is '${kitPart.tracking}'): each kit unit is identified by its serial`,
    );
  if (kitPart.itemType !== null && kitPart.itemType !== 'kit')
    problems.push(
      `kit part ${kitPart.partNumber} is classified as itemType '${kitPart.itemType}', not 'kit'`,
    );
  if (facts.kitPartUsedIn.length > 0)
    problems.push(
      `kit part ${kitPart.partNumber} is a component of kit(s) ${facts.kitPartUsedIn.join(', ')}: kits do not nest`,
    );
  if (facts.components.length === 0) problems.push('a kit needs at least one component');
  if (facts.components.length > MAX_KIT_COMPONENTS)
    problems.push(`a kit has at most ${MAX_KIT_COMPONENTS} components, ${facts.components.length} given`);

  const seen = new Set<string>();
  const components: KitComponent[] = [];
  for (const { part, quantity, isKit } of facts.components) {
    if (part.partNumber === kitPart.partNumber) {
      problems.push(`kit ${kitPart.partNumber} cannot contain itself`);
      continue;
    }
    if (seen.has(part.partNumber)) {
      problems.push(`component ${part.partNumber} is listed twice: give its total quantity once`);
      continue;
    }
    seen.add(part.partNumber);
    if (isKit) problems.push(`component ${part.partNumber} is itself a kit: kits do not nest`);
    let quantityMilli: number;
    try {
      quantityMilli = quantityToMilli(part, quantity);
    } catch (error) {
      problems.push(`component ${part.partNumber}: ${(error as Error).message}`);
      continue;
    }
    if (part.tracking === 'serial' && quantityMilli % 1000 !== 0) {
      problems.push(
        `component ${part.partNumber} is serialized: its quantity must be whole, not ${quantity}`,
      );
      continue;
    }
    components.push({ partNumber: part.partNumber, tracking: part.tracking, quantityMilli });
  }
  if (problems.length > 0)
    throw new AppError('KIT_DEFINITION_INVALID', problems.join('; '), {
      kitPartNumber: kitPart.partNumber,
      problems,
    });
  return {
    components,
    reasons: components.map(
      (c) =>
        `${fromMilli(c.quantityMilli)} × ${c.partNumber}${c.tracking === 'none' ? '' : ` (${c.tracking})`}`,
    ),
  };
}

/** One serial or lot row (or the untracked remainder) of a component on hand at the location. */
export interface StockUnit {
  serial: string;
  lot: string;
  onHandMilli: number;
}

export interface BuildComponent extends KitComponent {
  /** On hand minus reserved, status available, at the build location. */
  freeMilli: number;
  /** What reservations hold there (not to be taken); for the reasons. */
  reservedMilli?: number | undefined;
  /** Serial or lot rows on hand there (empty for untracked parts). */
  units: StockUnit[];
  /** Serials the builder picked off the shelf; otherwise the hub chooses. */
  chosenSerials?: string[] | undefined;
  /** The lot the builder took the whole quantity from; otherwise the hub chooses. */
  chosenLot?: string | undefined;
}

export interface BuildPick {
  partNumber: string;
  tracking: PartTracking;
  /** What is issued into the kit: one entry per serial, per lot, or one for untracked parts. */
  units: Array<{ serial: string; lot: string; milli: number }>;
}

export interface Shortage {
  partNumber: string;
  requiredMilli: number;
  availableMilli: number;
  missingMilli: number;
  /** Serials named by the builder that are not on hand, free, at the location. */
  missingSerials: string[];
  reason: string;
}

export type BuildDecision =
  | { kind: 'build'; picks: BuildPick[]; reasons: string[] }
  | { kind: 'short'; shortages: Shortage[]; reasons: string[] };

/**
 * What one kit unit takes from the stock at its location. Only free stock counts: a build
 * never takes what a reservation holds. Every component must be covered in full, or none is
 * taken and each short component says how many are missing. Where the builder did not name
 * serials or a lot, the lowest serial numbers and lot codes go first (lot codes usually
 * carry their date, so this is oldest first), which keeps the choice reproducible.
 */
export function decideBuild(input: {
  kitPartNumber: string;
  locationCode: string;
  components: BuildComponent[];
}): BuildDecision {
  const picks: BuildPick[] = [];
  const shortages: Shortage[] = [];
  const reasons: string[] = [];
  const at = input.locationCode;
  for (const c of input.components) {
    const outcome = decideComponent(c, at);
    if (outcome.kind === 'pick') {
      picks.push(outcome.pick);
      reasons.push(outcome.reason);
    } else {
      shortages.push(outcome.shortage);
      reasons.push(outcome.shortage.reason);
    }
  }
  if (shortages.length > 0) return { kind: 'short', shortages, reasons };
  return { kind: 'build', picks, reasons };
}

type ComponentOutcome =
  { kind: 'pick'; pick: BuildPick; reason: string } | { kind: 'short'; shortage: Shortage };

function decideComponent(c: BuildComponent, at: string): ComponentOutcome {
  const need = c.quantityMilli;
  const short = (availableMilli: number, why: string, missingSerials: string[] = []): ComponentOutcome => {
    const available = Math.max(0, Math.min(availableMilli, need));
    return {
      kind: 'short',
      shortage: {
        partNumber: c.partNumber,
        requiredMilli: need,
        availableMilli: available,
        missingMilli: need - available,
        missingSerials,
        reason: `${c.partNumber}: ${fromMilli(need)} needed, ${fromMilli(available)} to be had at ${at}, ${fromMilli(need - available)} missing (${why})`,
      },
    };
  };
  const free = Math.max(0, c.freeMilli);
  const reserved = c.reservedMilli ?? 0;
  const freeText =
    reserved > 0 ? `${fromMilli(free)} free, ${fromMilli(reserved)} reserved` : `${fromMilli(free)} free`;

  if (c.tracking === 'serial') {
    const count = need / 1000;
    const onHand = new Set(c.units.filter((u) => u.serial !== '' && u.onHandMilli > 0).map((u) => u.serial));
    if (c.chosenSerials) {
      checkChosenSerials(c, count);
      const missing = c.chosenSerials.filter((s) => !onHand.has(s));
      const usable = Math.min(free, (count - missing.length) * 1000);
      if (missing.length > 0)
        return short(usable, `serial(s) ${missing.join(', ')} not on hand there`, missing);
      if (free < need) return short(usable, freeText);
      return {
        kind: 'pick',
        pick: toPick(
          c,
          c.chosenSerials.map((serial) => ({ serial, lot: '', milli: 1000 })),
        ),
        reason: `${c.partNumber}: serial(s) ${c.chosenSerials.join(', ')} as named by the builder`,
      };
    }
    const serials = [...onHand].sort();
    const available = Math.min(free, serials.length * 1000);
    if (available < need) return short(available, `${serials.length} serial(s) on hand, ${freeText}`);
    const taken = serials.slice(0, count);
    return {
      kind: 'pick',
      pick: toPick(
        c,
        taken.map((serial) => ({ serial, lot: '', milli: 1000 })),
      ),
      reason: `${c.partNumber}: serial(s) ${taken.join(', ')} (lowest of ${serials.length} on hand)`,
    };
  }

  if (c.tracking === 'lot') {
    const lots = c.units
      .filter((u) => u.lot !== '' && u.onHandMilli > 0)
      .sort((a, b) => (a.lot < b.lot ? -1 : a.lot > b.lot ? 1 : 0));
    if (c.chosenLot !== undefined) {
      const lot = lots.find((u) => u.lot === c.chosenLot);
      const inLot = lot?.onHandMilli ?? 0;
      const available = Math.min(free, inLot);
      if (available < need)
        return short(available, `lot ${c.chosenLot} holds ${fromMilli(inLot)}, ${freeText}`);
      return {
        kind: 'pick',
        pick: toPick(c, [{ serial: '', lot: c.chosenLot, milli: need }]),
        reason: `${c.partNumber}: ${fromMilli(need)} from lot ${c.chosenLot} as named by the builder`,
      };
    }
    const inLots = lots.reduce((sum, u) => sum + u.onHandMilli, 0);
    const available = Math.min(free, inLots);
    if (available < need) return short(available, `${fromMilli(inLots)} in lots, ${freeText}`);
    const units: BuildPick['units'] = [];
    let left = need;
    for (const lot of lots) {
      if (left === 0) break;
      const take = Math.min(left, lot.onHandMilli);
      units.push({ serial: '', lot: lot.lot, milli: take });
      left -= take;
    }
    return {
      kind: 'pick',
      pick: toPick(c, units),
      reason: `${c.partNumber}: ${units.map((u) => `${fromMilli(u.milli)} from lot ${u.lot}`).join(', ')} (lowest lot codes first)`,
    };
  }

  if (free < need) return short(free, freeText);
  return {
    kind: 'pick',
    pick: toPick(c, [{ serial: '', lot: '', milli: need }]),
    reason: `${c.partNumber}: ${fromMilli(need)} of ${fromMilli(free)} free at ${at}`,
  };
}

function checkChosenSerials(c: BuildComponent, count: number): void {
  const chosen = c.chosenSerials ?? [];
  if (chosen.length !== count)
    throw new AppError(
      'SERIAL_INVALID',
      `The kit takes ${count} serial(s) of ${c.partNumber}; ${chosen.length} named`,
      { partNumber: c.partNumber },
    );
  const seen = new Set<string>();
  for (const s of chosen) {
    if (seen.has(s))
      throw new AppError('SERIAL_INVALID', `Serial ${s} of ${c.partNumber} is named twice`, { serial: s });
    seen.add(s);
  }
}

function toPick(c: BuildComponent, units: BuildPick['units']): BuildPick {
  return { partNumber: c.partNumber, tracking: c.tracking, units };
}

export type KitUnitState = 'in_stock' | 'out_of_stock' | 'broken';

/** Where a kit unit is comes from the stock of its serial, not from the kit's own row. */
export function kitUnitState(broken: boolean, whereabouts: { locationCode: string } | null): KitUnitState {
  if (broken) return 'broken';
  return whereabouts ? 'in_stock' : 'out_of_stock';
}

export type BreakDecision =
  | { kind: 'break'; reasons: string[] }
  | { kind: 'refuse'; code: 'KIT_UNIT_NOT_IN_STOCK' | 'KIT_UNIT_RESERVED'; reasons: string[] };

/**
 * Whether a kit unit may be broken now. It must be in stock (a shipped kit is broken only
 * after it comes back). Reservations hold kit units by quantity at a location, not by
 * serial (decision 0006), so a unit there is reserved when no unreserved unit is left: one
 * more kit unit than the reservations hold is what a break needs.
 */
export function decideBreak(input: {
  kitUnitId: string;
  kitPartNumber: string;
  broken: boolean;
  whereabouts: { locationCode: string; status: string } | null;
  /** The kit part's balance where the unit is, in the unit's status. */
  onHandMilli: number;
  reservedMilli: number;
}): BreakDecision {
  const { kitUnitId: id } = input;
  if (input.broken)
    return { kind: 'refuse', code: 'KIT_UNIT_NOT_IN_STOCK', reasons: [`kit unit ${id} is already broken`] };
  const where = input.whereabouts;
  if (!where)
    return {
      kind: 'refuse',
      code: 'KIT_UNIT_NOT_IN_STOCK',
      reasons: [`kit unit ${id} is not in stock (issued or written off): receive it back before breaking it`],
    };
  const free = input.onHandMilli - input.reservedMilli;
  if (where.status === 'available' && free < 1000)
    return {
      kind: 'refuse',
      code: 'KIT_UNIT_RESERVED',
      reasons: [
        `every kit unit of ${input.kitPartNumber} at ${where.locationCode} is reserved (${fromMilli(input.reservedMilli)} of ${fromMilli(input.onHandMilli)}): release a reservation first`,
      ],
    };
  return {
    kind: 'break',
    reasons: [
      where.status === 'available'
        ? `${fromMilli(free)} unreserved kit unit(s) of ${input.kitPartNumber} at ${where.locationCode}`
        : `kit unit ${id} is ${where.status} at ${where.locationCode}, where nothing is reserved`,
    ],
  };
}
