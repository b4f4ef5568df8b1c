import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import {
  checkKitDefinition,
  decideBreak,
  decideBuild,
  kitUnitState,
  type BuildComponent,
  type DefinitionFacts,
} from './kits.js';

const part = (partNumber: string, tracking: 'none' | 'serial' | 'lot' = 'none', wholeUnits = true) => ({
  partNumber,
  tracking,
  wholeUnits,
});

function facts(overrides: Partial<DefinitionFacts> = {}): DefinitionFacts {
  return {
    kitPart: { partNumber: 'KIT-1', tracking: 'serial', itemType: 'kit' },
    components: [
      { part: part('BOLT'), quantity: 4, isKit: false },
      { part: part('BOARD', 'serial'), quantity: 1, isKit: false },
    ],
    kitPartUsedIn: [],
    ...overrides,
  };
}

function problemsOf(f: DefinitionFacts): string[] {
  try {
    checkKitDefinition(f);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('KIT_DEFINITION_INVALID');
    return (error as AppError).details?.problems as string[];
  }
  throw new Error('the definition was accepted');
}

describe('checkKitDefinition', () => {
  it('accepts a bill of parts and returns it in milli-units with a line per component', () => {
    const out = checkKitDefinition(facts());
    expect(out.components).toEqual([
      { partNumber: 'BOLT', tracking: 'none', quantityMilli: 4000 },
      { partNumber: 'BOARD', tracking: 'serial', quantityMilli: 1000 },
    ]);
    expect(out.reasons).toEqual(['4 × BOLT', '1 × BOARD (serial)']);
  });

  it('accepts an unclassified kit part, but not one classified as something else', () => {
    expect(() =>
      checkKitDefinition(facts({ kitPart: { partNumber: 'KIT-1', tracking: 'serial', itemType: null } })),
    ).not.toThrow();
    expect(
      problemsOf(facts({ kitPart: { partNumber: 'KIT-1', tracking: 'serial', itemType: 'spare' } })),
    ).toEqual(["kit part KIT-1 is classified as itemType 'spare', not 'kit'"]);
  });

  it('refuses a kit part that is not serial-tracked: kit units are told apart by serial', () => {
    expect(
      problemsOf(facts({ kitPart: { partNumber: 'KIT-1', tracking: 'none', itemType: null } }))[0],
    ).toContain('must be serial-tracked');
  });

  it('lists every problem at once: self, nesting, duplicates, bad quantities', () => {
    const problems = problemsOf(
      facts({
        kitPartUsedIn: ['KIT-BIG'],
        components: [
          { part: part('KIT-1', 'serial'), quantity: 1, isKit: true },
          { part: part('KIT-2', 'serial'), quantity: 1, isKit: true },
          { part: part('BOLT'), quantity: 2, isKit: false },
          { part: part('BOLT'), quantity: 3, isKit: false },
          { part: part('NUT'), quantity: 1.5, isKit: false },
          { part: part('OIL', 'none', false), quantity: 0, isKit: false },
          { part: part('SENSOR', 'serial', false), quantity: 0.5, isKit: false },
        ],
      }),
    );
    expect(problems).toEqual([
      'kit part KIT-1 is a component of kit(s) KIT-BIG: kits do not nest',
      'kit KIT-1 cannot contain itself',
      'component KIT-2 is itself a kit: kits do not nest',
      'component BOLT is listed twice: give its total quantity once',
      expect.stringContaining('component NUT: Part NUT is counted in whole units'),
      expect.stringContaining('component OIL: Quantity must be a non-zero number'),
      'component SENSOR is serialized: its quantity must be whole, not 0.5',
    ]);
  });

  it('refuses an empty kit and one of more than 100 components', () => {
    expect(problemsOf(facts({ components: [] }))).toEqual(['a kit needs at least one component']);
    const many = Array.from({ length: 101 }, (_, i) => ({ part: part(`P${i}`), quantity: 1, isKit: false }));
    expect(problemsOf(facts({ components: many }))).toEqual(['a kit has at most 100 components, 101 given']);
  });
});

function component(overrides: Partial<BuildComponent>): BuildComponent {
  return {
    partNumber: 'BOLT',
    tracking: 'none',
    quantityMilli: 4000,
    freeMilli: 10_000,
    units: [],
    ...overrides,
  };
}

const serials = (...s: string[]) => s.map((serial) => ({ serial, lot: '', onHandMilli: 1000 }));

describe('decideBuild', () => {
  it('takes each component from free stock, the lowest serial numbers and lot codes first, with reasons', () => {
    const d = decideBuild({
      kitPartNumber: 'KIT-1',
      locationCode: 'DC',
      components: [
        component({}),
        component({
          partNumber: 'BOARD',
          tracking: 'serial',
          quantityMilli: 2000,
          freeMilli: 3000,
          units: serials('S3', 'S1', 'S2'),
        }),
        component({
          partNumber: 'GREASE',
          tracking: 'lot',
          quantityMilli: 1500,
          freeMilli: 5000,
          units: [
            { serial: '', lot: 'L2', onHandMilli: 4000 },
            { serial: '', lot: 'L1', onHandMilli: 1000 },
          ],
        }),
      ],
    });
    expect(d.kind).toBe('build');
    if (d.kind !== 'build') return;
    expect(d.picks).toEqual([
      { partNumber: 'BOLT', tracking: 'none', units: [{ serial: '', lot: '', milli: 4000 }] },
      {
        partNumber: 'BOARD',
        tracking: 'serial',
        units: [
          { serial: 'S1', lot: '', milli: 1000 },
          { serial: 'S2', lot: '', milli: 1000 },
        ],
      },
      {
        partNumber: 'GREASE',
        tracking: 'lot',
        units: [
          { serial: '', lot: 'L1', milli: 1000 },
          { serial: '', lot: 'L2', milli: 500 },
        ],
      },
    ]);
    expect(d.reasons).toEqual([
      'BOLT: 4 of 10 free at DC',
      'BOARD: serial(s) S1, S2 (lowest of 3 on hand)',
      'GREASE: 1 from lot L1, 0.5 from lot L2 (lowest lot codes first)',
    ]);
  });

  it('never takes reserved stock: says which component is short and by how much, and takes nothing', () => {
    const d = decideBuild({
      kitPartNumber: 'KIT-1',
      locationCode: 'DC',
      components: [
        component({ freeMilli: 3000 }),
        component({ partNumber: 'NUT', quantityMilli: 2000, freeMilli: 2000 }),
        component({
          partNumber: 'BOARD',
          tracking: 'serial',
          quantityMilli: 2000,
          freeMilli: 1000,
          units: serials('S1', 'S2'),
        }),
      ],
    });
    expect(d.kind).toBe('short');
    if (d.kind !== 'short') return;
    expect(d.shortages.map((s) => [s.partNumber, s.requiredMilli, s.availableMilli, s.missingMilli])).toEqual(
      [
        ['BOLT', 4000, 3000, 1000],
        ['BOARD', 2000, 1000, 1000],
      ],
    );
    expect(d.shortages[0]!.reason).toBe('BOLT: 4 needed, 3 to be had at DC, 1 missing (3 free)');
    expect(d.reasons).toContain('NUT: 2 of 2 free at DC');
  });

  it('takes the serials the builder names, or reports those not on hand as missing', () => {
    const board = (chosenSerials: string[]) =>
      decideBuild({
        kitPartNumber: 'KIT-1',
        locationCode: 'DC',
        components: [
          component({
            partNumber: 'BOARD',
            tracking: 'serial',
            quantityMilli: 2000,
            units: serials('S1', 'S2', 'S3'),
            chosenSerials,
          }),
        ],
      });
    const named = board(['S3', 'S1']);
    expect(named).toMatchObject({
      kind: 'build',
      picks: [{ units: [{ serial: 'S3' }, { serial: 'S1' }] }],
      reasons: ['BOARD: serial(s) S3, S1 as named by the builder'],
    });
    expect(board(['S3', 'S9'])).toMatchObject({
      kind: 'short',
      shortages: [{ partNumber: 'BOARD', missingMilli: 1000, missingSerials: ['S9'] }],
    });
    expect(() => board(['S1'])).toThrow(/takes 2 serial\(s\) of BOARD; 1 named/);
    expect(() => board(['S1', 'S1'])).toThrow(/named twice/);
  });

  it('takes a named lot only when it covers the whole quantity', () => {
    const grease = (chosenLot: string) =>
      decideBuild({
        kitPartNumber: 'KIT-1',
        locationCode: 'DC',
        components: [
          component({
            partNumber: 'GREASE',
            tracking: 'lot',
            quantityMilli: 2000,
            units: [
              { serial: '', lot: 'L1', onHandMilli: 1000 },
              { serial: '', lot: 'L2', onHandMilli: 5000 },
            ],
            chosenLot,
          }),
        ],
      });
    expect(grease('L2')).toMatchObject({ kind: 'build', picks: [{ units: [{ lot: 'L2', milli: 2000 }] }] });
    expect(grease('L1')).toMatchObject({
      kind: 'short',
      shortages: [{ availableMilli: 1000, missingMilli: 1000 }],
    });
  });

  it('builds exactly when free stock covers every component, and then takes exactly the bill (property)', () => {
    const arb = fc.array(
      fc.record({
        tracking: fc.constantFrom('none' as const, 'serial' as const, 'lot' as const),
        need: fc.integer({ min: 1, max: 5 }),
        onHand: fc.integer({ min: 0, max: 8 }),
        reserved: fc.integer({ min: 0, max: 8 }),
        lots: fc.integer({ min: 1, max: 3 }),
      }),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(arb, (specs) => {
        const components = specs.map((s, i): BuildComponent => {
          const onHand = s.onHand * 1000;
          const reserved = Math.min(s.reserved, s.onHand) * 1000;
          let units: BuildComponent['units'] = [];
          if (s.tracking === 'serial')
            units = Array.from({ length: s.onHand }, (_, k) => ({
              serial: `S${k}`,
              lot: '',
              onHandMilli: 1000,
            }));
          if (s.tracking === 'lot') {
            // Spread the quantity over the lots, the last taking the remainder.
            const per = Math.floor(onHand / s.lots);
            units = Array.from({ length: s.lots }, (_, k) => ({
              serial: '',
              lot: `L${k}`,
              onHandMilli: k === s.lots - 1 ? onHand - per * (s.lots - 1) : per,
            })).filter((u) => u.onHandMilli > 0);
          }
          return {
            partNumber: `P${i}`,
            tracking: s.tracking,
            quantityMilli: s.need * 1000,
            freeMilli: onHand - reserved,
            units,
          };
        });
        const d = decideBuild({ kitPartNumber: 'K', locationCode: 'L', components });
        const covered = components.every((c) => c.freeMilli >= c.quantityMilli);
        expect(d.kind).toBe(covered ? 'build' : 'short');
        if (d.kind === 'build') {
          d.picks.forEach((pick, i) => {
            expect(pick.units.reduce((sum, u) => sum + u.milli, 0)).toBe(components[i]!.quantityMilli);
            const onHand = new Map(components[i]!.units.map((u) => [u.serial || u.lot, u.onHandMilli]));
            for (const u of pick.units)
              if (u.serial || u.lot) expect(u.milli).toBeLessThanOrEqual(onHand.get(u.serial || u.lot)!);
          });
        } else {
          for (const s of d.shortages) {
            const c = components.find((x) => x.partNumber === s.partNumber)!;
            expect(s.missingMilli).toBe(c.quantityMilli - Math.max(0, c.freeMilli));
            expect(s.missingMilli).toBeGreaterThan(0);
          }
        }
      }),
    );
  });
});

describe('decideBreak and kitUnitState', () => {
  const base = {
    kitUnitId: 'kit_1',
    kitPartNumber: 'KIT-1',
    broken: false,
    whereabouts: { locationCode: 'DC', status: 'available' },
    onHandMilli: 2000,
    reservedMilli: 1000,
  };

  it('breaks a unit while at least one kit unit there is unreserved', () => {
    expect(decideBreak(base)).toEqual({
      kind: 'break',
      reasons: ['1 unreserved kit unit(s) of KIT-1 at DC'],
    });
  });

  it('refuses while every kit unit there is reserved', () => {
    expect(decideBreak({ ...base, reservedMilli: 2000 })).toMatchObject({
      kind: 'refuse',
      code: 'KIT_UNIT_RESERVED',
      reasons: [expect.stringContaining('every kit unit of KIT-1 at DC is reserved (2 of 2)')],
    });
  });

  it('ignores reservations for a kit in another status: reservations hold available stock only', () => {
    expect(
      decideBreak({
        ...base,
        whereabouts: { locationCode: 'DC', status: 'quarantine' },
        reservedMilli: 0,
        onHandMilli: 1000,
      }),
    ).toMatchObject({ kind: 'break' });
  });

  it('refuses a unit that is broken or out of stock', () => {
    expect(decideBreak({ ...base, broken: true })).toMatchObject({
      kind: 'refuse',
      code: 'KIT_UNIT_NOT_IN_STOCK',
    });
    expect(decideBreak({ ...base, whereabouts: null })).toMatchObject({
      kind: 'refuse',
      code: 'KIT_UNIT_NOT_IN_STOCK',
      reasons: [expect.stringContaining('receive it back')],
    });
  });

  it('derives the state from the stock of the kit serial', () => {
    expect(kitUnitState(false, { locationCode: 'DC' })).toBe('in_stock');
    expect(kitUnitState(false, null)).toBe('out_of_stock');
    expect(kitUnitState(true, null)).toBe('broken');
  });
});
