import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMilli } from '../../platform/quantity.js';
import {
  decideSourcing,
  type LinePlan,
  type PartAlternative,
  type PurchaseOption,
  type SourcingInput,
  type SourcingLine,
  type StockOffer,
} from './sourcing.js';

const NOW = '2026-12-01T08:00:00.000Z';
const hoursFromNow = (h: number) => new Date(Date.parse(NOW) + h * 3_600_000).toISOString();

function line(overrides: Partial<SourcingLine> = {}): SourcingLine {
  return {
    lineId: 'L1',
    partNumber: 'P-100',
    quantity: 1,
    priority: 1,
    dueAt: hoursFromNow(24),
    technicianVan: 'VAN-A',
    jobRegion: 'north',
    ...overrides,
  };
}

function offer(overrides: Partial<StockOffer> & Pick<StockOffer, 'locationCode'>): StockOffer {
  return {
    partNumber: 'P-100',
    locationType: 'forward_stocking_location',
    region: 'north',
    available: 5,
    leadTimeHours: 4,
    ...overrides,
  };
}

const van = (overrides: Partial<StockOffer> = {}) =>
  offer({ locationCode: 'VAN-A', locationType: 'technician_van', leadTimeHours: 0, ...overrides });

function plan(
  lines: SourcingLine[],
  offers: StockOffer[],
  purchaseOptions: PurchaseOption[] = [],
): LinePlan[] {
  return decideSourcing({ now: NOW, lines, offers, purchaseOptions }).lines;
}

function only(lines: SourcingLine[], offers: StockOffer[], purchaseOptions: PurchaseOption[] = []): LinePlan {
  const [first] = plan(lines, offers, purchaseOptions);
  return first!;
}

const sources = (p: LinePlan) =>
  p.allocations.map((a) => [a.source, a.locationCode ?? a.supplier, a.quantity]);

describe('decideSourcing: where a line comes from', () => {
  it('takes the part from the technician’s own van first and raises no requisition', () => {
    const p = only(
      [line({ quantity: 2 })],
      [van({ available: 2 }), offer({ locationCode: 'FSL-1', leadTimeHours: 1 })],
      [{ partNumber: 'P-100', leadTimeHours: 2 }],
    );
    expect(sources(p)).toEqual([['van', 'VAN-A', 2]]);
    expect(p.requisitionNeeded).toBe(false);
    expect(p.onTime).toBe(true);
    expect(p.reasons.join('\n')).toContain('no requisition');
  });

  it('never uses another technician’s van', () => {
    const p = only(
      [line({ technicianVan: 'VAN-A' })],
      [van({ locationCode: 'VAN-B' }), offer({ locationCode: 'FSL-1' })],
    );
    expect(sources(p)).toEqual([['forward_stocking_location', 'FSL-1', 1]]);
    expect(p.reasons.join('\n')).toContain('van VAN-A holds no free P-100');
  });

  it('uses what the van holds, then ships the rest from one location', () => {
    const p = only(
      [line({ quantity: 3 })],
      [
        van({ available: 1 }),
        offer({ locationCode: 'FSL-1', available: 1 }),
        offer({ locationCode: 'RW-1', locationType: 'regional_warehouse', available: 5, leadTimeHours: 8 }),
      ],
    );
    expect(sources(p)).toEqual([
      ['van', 'VAN-A', 1],
      ['regional_warehouse', 'RW-1', 2],
    ]);
    expect(p.requisitionNeeded).toBe(true);
    expect(p.reasons.join('\n')).toContain('passed over forward stocking location FSL-1: holds only 1 free');
  });

  it('prefers a forward stocking location over a nearer regional warehouse', () => {
    const p = only(
      [line()],
      [
        offer({ locationCode: 'RW-1', locationType: 'regional_warehouse', leadTimeHours: 2 }),
        offer({ locationCode: 'FSL-1', leadTimeHours: 6 }),
      ],
    );
    expect(sources(p)).toEqual([['forward_stocking_location', 'FSL-1', 1]]);
  });

  it('within a tier takes the nearest, then the job’s region, then the most stock', () => {
    const nearest = only(
      [line()],
      [
        offer({ locationCode: 'FSL-FAR', leadTimeHours: 6 }),
        offer({ locationCode: 'FSL-NEAR', leadTimeHours: 3 }),
      ],
    );
    expect(sources(nearest)).toEqual([['forward_stocking_location', 'FSL-NEAR', 1]]);
    const inRegion = only(
      [line()],
      [
        offer({ locationCode: 'FSL-A', region: 'south', available: 9 }),
        offer({ locationCode: 'FSL-Z', region: 'north' }),
      ],
    );
    expect(sources(inRegion)).toEqual([['forward_stocking_location', 'FSL-Z', 1]]);
    const most = only(
      [line()],
      [offer({ locationCode: 'FSL-1', available: 2 }), offer({ locationCode: 'FSL-2', available: 9 })],
    );
    expect(sources(most)).toEqual([['forward_stocking_location', 'FSL-2', 1]]);
  });

  it('breaks a full tie by location code and supplier, whatever the input order', () => {
    const twins = [offer({ locationCode: 'FSL-B' }), offer({ locationCode: 'FSL-A' })];
    expect(sources(only([line()], twins))).toEqual([['forward_stocking_location', 'FSL-A', 1]]);
    expect(sources(only([line()], [...twins].reverse()))).toEqual([
      ['forward_stocking_location', 'FSL-A', 1],
    ]);
    const buyers: PurchaseOption[] = [
      { partNumber: 'P-100', leadTimeHours: 8, supplier: 'Globex' },
      { partNumber: 'P-100', leadTimeHours: 8, supplier: 'ACME' },
    ];
    expect(sources(only([line()], [], buyers))).toEqual([['purchase', 'ACME', 1]]);
    expect(sources(only([line()], [], [...buyers].reverse()))).toEqual([['purchase', 'ACME', 1]]);
  });

  it('passes over a location that would arrive late for an on-time one in a later tier', () => {
    const p = only(
      [line({ dueAt: hoursFromNow(24) })],
      [
        offer({ locationCode: 'FSL-1', leadTimeHours: 30 }),
        offer({ locationCode: 'CDC', locationType: 'central_dc', leadTimeHours: 10 }),
      ],
    );
    expect(sources(p)).toEqual([['central_dc', 'CDC', 1]]);
    expect(p.onTime).toBe(true);
    expect(p.reasons.join('\n')).toContain('passed over forward stocking location FSL-1: would arrive');
  });

  it('buys only what on-time stock cannot cover', () => {
    const p = only(
      [line({ quantity: 3 })],
      [offer({ locationCode: 'FSL-1', available: 1 })],
      [{ partNumber: 'P-100', leadTimeHours: 12, supplier: 'ACME' }],
    );
    expect(sources(p)).toEqual([
      ['forward_stocking_location', 'FSL-1', 1],
      ['purchase', 'ACME', 2],
    ]);
    expect(p.onTime).toBe(true);
  });

  it('chooses a superseding part when the requested one is late everywhere, and says why', () => {
    const alternatives: PartAlternative[] = [
      { partNumber: 'P-300', relation: 'substitute', reason: 'fits model X9', preference: 2 },
      {
        partNumber: 'P-200',
        relation: 'superseded_by',
        reason: 'P-100 → P-200 from 2026-06-01',
        preference: 1,
      },
    ];
    const p = only(
      [line({ alternatives })],
      [
        offer({ locationCode: 'CDC', locationType: 'central_dc', leadTimeHours: 48 }),
        offer({
          locationCode: 'RW-1',
          locationType: 'regional_warehouse',
          partNumber: 'P-200',
          leadTimeHours: 12,
        }),
        van({ partNumber: 'P-300' }),
      ],
      [{ partNumber: 'P-100', leadTimeHours: 72 }],
    );
    expect(p.partNumber).toBe('P-200');
    expect(p.substitution).toEqual({
      requestedPartNumber: 'P-100',
      partNumber: 'P-200',
      relation: 'superseded_by',
      reason: 'P-100 → P-200 from 2026-06-01',
    });
    expect(sources(p)).toEqual([['regional_warehouse', 'RW-1', 1]]);
    const text = p.reasons.join('\n');
    expect(text).toContain('P-100 (requested) cannot be had in time');
    expect(text).toContain('P-200 (superseding part) chosen instead');
  });

  it('keeps the requested part over a substitute when both arrive in time', () => {
    const p = only(
      [
        line({
          alternatives: [{ partNumber: 'P-300', relation: 'substitute', reason: 'fits', preference: 1 }],
        }),
      ],
      [
        offer({ locationCode: 'CDC', locationType: 'central_dc', leadTimeHours: 20 }),
        van({ partNumber: 'P-300' }),
      ],
    );
    expect(p.partNumber).toBe('P-100');
    expect(p.substitution).toBeNull();
  });

  it('when nothing arrives in time, takes the earliest arrival and says it is late', () => {
    const p = only(
      [
        line({
          dueAt: hoursFromNow(8),
          alternatives: [{ partNumber: 'P-300', relation: 'substitute', reason: 'fits', preference: 1 }],
        }),
      ],
      [
        offer({ locationCode: 'FSL-1', leadTimeHours: 30 }),
        offer({ locationCode: 'CDC', locationType: 'central_dc', leadTimeHours: 12 }),
        offer({ locationCode: 'FSL-2', partNumber: 'P-300', leadTimeHours: 10 }),
      ],
      [{ partNumber: 'P-100', leadTimeHours: 96 }],
    );
    expect(p.partNumber).toBe('P-100');
    expect(sources(p)).toEqual([['central_dc', 'CDC', 1]]);
    expect(p.onTime).toBe(false);
    expect(p.readyAt).toBe(hoursFromNow(12));
    const text = p.reasons.join('\n');
    expect(text).toContain('late by 4h');
    expect(text).toContain('P-300 (substitute) is no better');
    expect(text).toContain('the requested part is preferred');
  });

  it('splits across on-time locations when none covers the line alone', () => {
    const p = only(
      [line({ quantity: 3, technicianVan: null })],
      [
        offer({ locationCode: 'FSL-1', available: 1 }),
        offer({ locationCode: 'RW-1', locationType: 'regional_warehouse', available: 1 }),
        offer({ locationCode: 'CDC', locationType: 'central_dc', available: 1 }),
      ],
    );
    expect(sources(p)).toEqual([
      ['forward_stocking_location', 'FSL-1', 1],
      ['regional_warehouse', 'RW-1', 1],
      ['central_dc', 'CDC', 1],
    ]);
    expect(p.onTime).toBe(true);
  });

  it('prefers one late shipment to a split only when it arrives no later', () => {
    const offers = [
      offer({ locationCode: 'FSL-1', available: 1, leadTimeHours: 30 }),
      offer({ locationCode: 'RW-1', locationType: 'regional_warehouse', available: 1, leadTimeHours: 32 }),
      offer({ locationCode: 'CDC', locationType: 'central_dc', available: 5, leadTimeHours: 40 }),
    ];
    expect(sources(only([line({ quantity: 2 })], offers))).toEqual([
      ['forward_stocking_location', 'FSL-1', 1],
      ['regional_warehouse', 'RW-1', 1],
    ]);
    const cdcSooner = offers.map((o) => (o.locationCode === 'CDC' ? { ...o, leadTimeHours: 31 } : o));
    expect(sources(only([line({ quantity: 2 })], cdcSooner))).toEqual([['central_dc', 'CDC', 2]]);
  });

  it('backorders what no source can give, and still takes what there is', () => {
    const none = only([line({ quantity: 2 })], []);
    expect(sources(none)).toEqual([['backorder', undefined, 2]]);
    expect(none.requisitionNeeded).toBe(true);
    expect(none.readyAt).toBeNull();
    expect(none.reasons.join('\n')).toContain(
      '2 backordered: no more free P-100 anywhere and no purchase option',
    );

    const some = only([line({ quantity: 3 })], [offer({ locationCode: 'FSL-1', available: 1 })]);
    expect(sources(some)).toEqual([
      ['forward_stocking_location', 'FSL-1', 1],
      ['backorder', undefined, 2],
    ]);
  });

  it('ignores stock at repair vendors and customer sites', () => {
    const p = only(
      [line()],
      [
        offer({ locationCode: 'RV-1', locationType: 'repair_vendor', leadTimeHours: 0 }),
        offer({ locationCode: 'SITE-1', locationType: 'customer_site', leadTimeHours: 0 }),
      ],
    );
    expect(sources(p)).toEqual([['backorder', undefined, 1]]);
  });

  it('plans higher-priority lines first, then earlier due times, so they are never starved', () => {
    const lines = [
      line({ lineId: 'low', priority: 1 }),
      line({ lineId: 'high', priority: 5 }),
      line({ lineId: 'soon', priority: 1, dueAt: hoursFromNow(6) }),
    ];
    const plans = plan(lines, [offer({ locationCode: 'FSL-1', available: 2 })]);
    expect(plans.map((p) => p.lineId)).toEqual(['high', 'soon', 'low']);
    expect(plans.map((p) => sources(p))).toEqual([
      [['forward_stocking_location', 'FSL-1', 1]],
      [['forward_stocking_location', 'FSL-1', 1]],
      [['backorder', undefined, 1]],
    ]);
    expect(plans[2]!.reasons[0]).toContain('planned #3');
  });

  it('adds decimal quantities exactly', () => {
    const p = only(
      [line({ quantity: 0.3, technicianVan: null })],
      [offer({ locationCode: 'FSL-1', available: 0.1 }), offer({ locationCode: 'FSL-2', available: 0.2 })],
    );
    expect(sources(p)).toEqual([
      ['forward_stocking_location', 'FSL-2', 0.2],
      ['forward_stocking_location', 'FSL-1', 0.1],
    ]);
  });

  it('refuses malformed input with a coded error', () => {
    expect(() => plan([line({ quantity: 0.0001 })], [])).toThrow(
      expect.objectContaining({ code: 'QUANTITY_INVALID' }),
    );
    expect(() => plan([line({ quantity: 0 })], [])).toThrow(
      expect.objectContaining({ code: 'QUANTITY_INVALID' }),
    );
    expect(() => plan([line({ dueAt: 'tomorrow' })], [])).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => plan([line(), line()], [])).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => plan([line()], [offer({ locationCode: 'F' }), offer({ locationCode: 'F' })])).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => plan([line()], [offer({ locationCode: 'F', leadTimeHours: -1 })])).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});

// ---- properties ------------------------------------------------------------------------

const PARTS = ['P1', 'P2', 'P3'] as const;
const LOCATIONS: Record<string, Pick<StockOffer, 'locationType' | 'region'>> = {
  'VAN-A': { locationType: 'technician_van', region: 'north' },
  'VAN-B': { locationType: 'technician_van', region: 'north' },
  'FSL-1': { locationType: 'forward_stocking_location', region: 'north' },
  'FSL-2': { locationType: 'forward_stocking_location', region: 'south' },
  'FSL-3': { locationType: 'forward_stocking_location', region: 'north' },
  'RW-1': { locationType: 'regional_warehouse', region: 'north' },
  CDC: { locationType: 'central_dc', region: 'central' },
  'RV-1': { locationType: 'repair_vendor', region: 'north' },
};

/** Quantities in thousandths, some whole, some not, to exercise exact sums. */
const arbQuantity = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min, max }),
    fc.integer({ min: min * 1000, max: max * 1000 }).map((m) => m / 1000),
  );

const arbOffers = fc
  .uniqueArray(
    fc.record({
      partNumber: fc.constantFrom(...PARTS),
      locationCode: fc.constantFrom(...Object.keys(LOCATIONS)),
      available: fc.constantFrom(0, 1, 2, 3, 6, 0.5, 1.125),
      // Few distinct values, so that ties (and their tie-breaks) are common.
      leadTimeHours: fc.constantFrom(0, 4, 12, 30, 72),
    }),
    { selector: (o) => `${o.partNumber}|${o.locationCode}`, maxLength: 20, size: 'max' },
  )
  .map((offers) =>
    offers.map((o): StockOffer => ({
      ...o,
      ...LOCATIONS[o.locationCode]!,
      // The van is at the job already.
      leadTimeHours: LOCATIONS[o.locationCode]!.locationType === 'technician_van' ? 0 : o.leadTimeHours,
    })),
  );

const arbPurchases = fc.array(
  fc.record({
    partNumber: fc.constantFrom(...PARTS),
    leadTimeHours: fc.constantFrom(0, 12, 48, 200),
    supplier: fc.constantFrom('ACME', 'Globex'),
  }),
  { maxLength: 4 },
);

const arbLines = fc.uniqueArray(
  fc.record({
    lineId: fc.constantFrom('L1', 'L2', 'L3', 'L4', 'L5', 'L6'),
    partNumber: fc.constantFrom(...PARTS),
    quantity: arbQuantity(1, 6),
    priority: fc.integer({ min: 0, max: 3 }),
    dueAt: fc.constantFrom(-5, 0, 8, 24, 96).map(hoursFromNow),
    technicianVan: fc.constantFrom('VAN-A', 'VAN-B', null),
    jobRegion: fc.constantFrom('north', 'south'),
    alternatives: fc.array(
      fc.record({
        partNumber: fc.constantFrom(...PARTS),
        relation: fc.constantFrom('superseded_by' as const, 'substitute' as const),
        reason: fc.constantFrom('catalog link', 'fits the model'),
        preference: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: 2 },
    ),
  }),
  { selector: (l) => l.lineId, minLength: 1, maxLength: 6 },
);

const arbInput = fc
  .record({ lines: arbLines, offers: arbOffers, purchaseOptions: arbPurchases })
  .map((r): SourcingInput => ({ now: NOW, ...r }));

const offerKey = (partNumber: string, locationCode: string) => `${partNumber}|${locationCode}`;

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('decideSourcing: properties', () => {
  it('never requisitions a part the technician’s van holds enough of (van-first, property)', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const initial = new Map(
          input.offers.map((o) => [offerKey(o.partNumber, o.locationCode), toMilli(o.available)]),
        );
        const taken = new Map<string, number>();
        const lines = new Map(input.lines.map((l) => [l.lineId, l]));
        for (const p of decideSourcing(input).lines) {
          const l = lines.get(p.lineId)!;
          if (l.technicianVan !== null) {
            const key = offerKey(l.partNumber, l.technicianVan);
            const free = (initial.get(key) ?? 0) - (taken.get(key) ?? 0);
            if (free >= toMilli(l.quantity)) {
              expect(p.allocations).toEqual([
                expect.objectContaining({
                  source: 'van',
                  locationCode: l.technicianVan,
                  partNumber: l.partNumber,
                  quantity: l.quantity,
                }),
              ]);
              expect(p.requisitionNeeded).toBe(false);
            }
          }
          for (const a of p.allocations) {
            if (a.locationCode !== undefined) {
              const key = offerKey(a.partNumber, a.locationCode);
              taken.set(key, (taken.get(key) ?? 0) + toMilli(a.quantity));
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never allocates more than is free, and accounts for every requested unit (conservation, property)', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const initial = new Map(
          input.offers.map((o) => [offerKey(o.partNumber, o.locationCode), toMilli(o.available)]),
        );
        const used = new Map<string, number>();
        const lines = new Map(input.lines.map((l) => [l.lineId, l]));
        const plans = decideSourcing(input).lines;
        expect(plans.map((p) => p.lineId).sort()).toEqual([...lines.keys()].sort());
        for (const p of plans) {
          const l = lines.get(p.lineId)!;
          let total = 0;
          for (const a of p.allocations) {
            expect(a.quantity).toBeGreaterThan(0);
            expect(a.partNumber).toBe(p.partNumber);
            total += toMilli(a.quantity);
            if (a.source === 'van') expect(a.locationCode).toBe(l.technicianVan);
            if (a.arrivesAt !== null) expect(a.onTime).toBe(a.arrivesAt <= l.dueAt);
            if (a.locationCode !== undefined) {
              const key = offerKey(a.partNumber, a.locationCode);
              used.set(key, (used.get(key) ?? 0) + toMilli(a.quantity));
            }
          }
          expect(total).toBe(toMilli(l.quantity));
          expect(p.requisitionNeeded).toBe(p.allocations.some((a) => a.source !== 'van'));
          expect(p.onTime).toBe(p.allocations.every((a) => a.onTime));
          expect(p.reasons.length).toBeGreaterThan(1);
        }
        for (const [key, milli] of used) expect(milli).toBeLessThanOrEqual(initial.get(key) ?? 0);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same plan whatever order the input comes in (determinism, property)', () => {
    fc.assert(
      fc.property(arbInput, fc.nat(), (input, seed) => {
        const reordered: SourcingInput = {
          now: input.now,
          lines: shuffled(input.lines, seed).map((l) => ({
            ...l,
            alternatives: shuffled(l.alternatives ?? [], seed + 1),
          })),
          offers: shuffled(input.offers, seed + 2),
          purchaseOptions: shuffled(input.purchaseOptions, seed + 3),
        };
        expect(decideSourcing(reordered)).toEqual(decideSourcing(input));
      }),
      { numRuns: 300 },
    );
  });

  it('plans a line the same whether or not lower-ranked lines exist (no starvation, property)', () => {
    fc.assert(
      fc.property(arbInput, fc.nat(), (input, cut) => {
        const full = decideSourcing(input).lines;
        const kept = full.slice(0, (cut % full.length) + 1).map((p) => p.lineId);
        const fewer = decideSourcing({ ...input, lines: input.lines.filter((l) => kept.includes(l.lineId)) });
        expect(fewer.lines).toEqual(full.slice(0, kept.length));
      }),
      { numRuns: 300 },
    );
  });
});
