import type { Reader, Work } from '../../kernel/index.js';
import { isoTimestamp } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { partsByIds, requirePart } from './catalog.service.js';
import { addConversionSchema, convertSchema, type AddConversionInput } from './references.schemas.js';
import { applyFactor, conversionFactor, type Conversion } from './uom.js';

const g = (from: string, to: string, numerator: number, denominator = 1): Conversion => ({
  from,
  to,
  numerator,
  denominator,
  partId: null,
});

/** Shipped global conversions, exact: 1 FT = 0.3048 M = 381/1250 M by definition. */
export const BUILT_IN_CONVERSIONS: Conversion[] = [
  g('KM', 'M', 1000),
  g('M', 'CM', 100),
  g('CM', 'MM', 10),
  g('FT', 'M', 381, 1250),
  g('IN', 'FT', 1, 12),
  g('YD', 'FT', 3),
  g('KG', 'G', 1000),
  g('LB', 'KG', 45359237, 100000000),
  g('OZ', 'LB', 1, 16),
  g('L', 'ML', 1000),
  g('GAL', 'L', 3785411784, 1000000000),
  g('PC', 'EA', 1),
  g('DZ', 'EA', 12),
  g('PR', 'EA', 2),
];

interface ConversionView {
  partNumber: string | null;
  fromUom: string;
  toUom: string;
  numerator: number;
  denominator: number;
  builtIn: boolean;
}

async function conversionsFor(
  r: Pick<Reader, 'db'>,
  tenantId: string,
  partId: string,
): Promise<Conversion[]> {
  const rows = await r.db
    .selectFrom('uom_conversions')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('part_id', 'in', ['', partId])
    .execute();
  return [
    ...BUILT_IN_CONVERSIONS,
    ...rows.map((row) => ({
      from: row.from_uom,
      to: row.to_uom,
      numerator: Number(row.numerator),
      denominator: Number(row.denominator),
      partId: row.part_id === '' ? null : row.part_id,
    })),
  ];
}

export async function addConversion(w: Work, raw: AddConversionInput): Promise<ConversionView> {
  const input = addConversionSchema.parse(raw);
  if (input.fromUom === input.toUom)
    throw new AppError('VALIDATION_FAILED', 'A conversion needs two different units');
  const part = input.partNumber ? await requirePart(w.trx, w.ctx.tenantId, input.partNumber) : undefined;
  // Refuse a conversion that would contradict the ones already in force for this scope.
  const existing = await conversionsFor({ db: w.trx }, w.ctx.tenantId, part?.id ?? '');
  const candidate: Conversion = {
    from: input.fromUom,
    to: input.toUom,
    numerator: input.numerator,
    denominator: input.denominator,
    partId: part?.id ?? null,
  };
  const others = existing.filter((c) => !(c.partId === candidate.partId && pairOf(c) === pairOf(candidate)));
  const check = conversionFactor(candidate.from, candidate.to, [...others, candidate], part?.id ?? '');
  if (!check.ok && check.code === 'UOM_AMBIGUOUS')
    throw new AppError('UOM_AMBIGUOUS', check.reason, { fromUom: input.fromUom, toUom: input.toUom });
  const row = {
    tenant_id: w.ctx.tenantId,
    part_id: part?.id ?? '',
    from_uom: input.fromUom,
    to_uom: input.toUom,
    numerator: input.numerator,
    denominator: input.denominator,
    created_at: isoTimestamp(w.ctx.clock),
  };
  await w.trx
    .insertInto('uom_conversions')
    .values(row)
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'part_id', 'from_uom', 'to_uom'])
        .doUpdateSet({ numerator: row.numerator, denominator: row.denominator }),
    )
    .execute();
  const view: ConversionView = {
    partNumber: part?.partNumber ?? null,
    fromUom: row.from_uom,
    toUom: row.to_uom,
    numerator: row.numerator,
    denominator: row.denominator,
    builtIn: false,
  };
  w.audit({
    action: 'uom_conversion.saved',
    entityType: 'uom_conversion',
    entityId: `${view.partNumber ?? '*'}:${view.fromUom}:${view.toUom}`,
    after: view,
  });
  return view;
}

function pairOf(c: Conversion): string {
  return [c.from.toUpperCase(), c.to.toUpperCase()].sort().join('|');
}

export async function listConversions(r: Reader, partNumber?: string): Promise<ConversionView[]> {
  const part = partNumber ? await requirePart(r.db, r.ctx.tenantId, partNumber) : undefined;
  const all = await conversionsFor(r, r.ctx.tenantId, part?.id ?? '');
  const parts = await partsByIds(
    r.db,
    r.ctx.tenantId,
    all.flatMap((c) => (c.partId ? [c.partId] : [])),
  );
  return all.map((c, i) => ({
    partNumber: c.partId ? (parts.get(c.partId)?.partNumber ?? c.partId) : null,
    fromUom: c.from,
    toUom: c.to,
    numerator: c.numerator,
    denominator: c.denominator,
    builtIn: i < BUILT_IN_CONVERSIONS.length,
  }));
}

/**
 * Converts a quantity in any unit to the part's base unit (M2.3), or refuses with a code
 * that names the part and unit: unknown, not convertible, ambiguous, or a fraction of a
 * whole-unit part.
 */
export async function convertToBase(r: Reader, raw: { partNumber: string; quantity: number; uom: string }) {
  const input = convertSchema.parse(raw);
  const part = await requirePart(r.db, r.ctx.tenantId, input.partNumber);
  const conversions = await conversionsFor(r, r.ctx.tenantId, part.id);
  const uom = input.uom.toUpperCase();
  const result =
    uom === part.baseUom
      ? { ok: true as const, factor: { numerator: 1, denominator: 1 }, path: [uom] }
      : conversionFactor(uom, part.baseUom, conversions, part.id);
  if (!result.ok) {
    throw new AppError(result.code, `Part ${part.partNumber} (base unit ${part.baseUom}): ${result.reason}`, {
      partNumber: part.partNumber,
      uom: input.uom,
      baseUom: part.baseUom,
    });
  }
  const quantity = applyFactor(input.quantity, result.factor);
  const rounded = Math.round(quantity * 1000) / 1000;
  if (Math.abs(rounded - quantity) > 1e-9) {
    throw new AppError(
      'QUANTITY_INVALID',
      `${input.quantity} ${uom} of part ${part.partNumber} is ${quantity} ${part.baseUom}: more than 3 decimals`,
      { partNumber: part.partNumber, uom: input.uom },
    );
  }
  if (part.wholeUnits && !Number.isInteger(rounded)) {
    throw new AppError(
      'QUANTITY_INVALID',
      `${input.quantity} ${uom} of part ${part.partNumber} is ${rounded} ${part.baseUom}, but the part is counted in whole ${part.baseUom}`,
      { partNumber: part.partNumber, uom: input.uom },
    );
  }
  return {
    partNumber: part.partNumber,
    quantity: rounded,
    baseUom: part.baseUom,
    from: { quantity: input.quantity, uom },
    factor: result.factor,
    path: result.path,
  };
}
