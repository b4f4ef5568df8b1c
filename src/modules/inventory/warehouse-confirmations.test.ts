import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  confirmationKey,
  decidePutaway,
  decideShipment,
  putawayFingerprint,
  shipmentFingerprint,
  type OrderReservation,
  type PutawayLine,
  type ShipmentFacts,
  type ShipmentLine,
} from './warehouse-confirmations.js';

const none = new Map<string, string>();

function putLine(overrides: Partial<PutawayLine> = {}): PutawayLine {
  const lineRef = overrides.lineRef ?? '1';
  return {
    key: confirmationKey(['RCV-1', lineRef]),
    lineRef,
    partNumber: 'P-1',
    tracking: 'none',
    locationCode: 'DC',
    goodMilli: 4000,
    damagedMilli: 0,
    ...overrides,
  };
}

function reservation(overrides: Partial<OrderReservation> = {}): OrderReservation {
  return {
    id: 'rsv_1',
    partNumber: 'P-1',
    locationCode: 'DC',
    demandRef: 'WO-1/1',
    openMilli: 5000,
    state: 'open',
    createdAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}

function shipLine(overrides: Partial<ShipmentLine> = {}): ShipmentLine {
  const lineRef = overrides.lineRef ?? '1';
  return {
    key: confirmationKey(['WO-1', 'SHP-1', lineRef]),
    lineRef,
    partNumber: 'P-1',
    tracking: 'none',
    status: 'shipped',
    shippedMilli: 5000,
    ...overrides,
  };
}

function facts(overrides: Partial<ShipmentFacts> = {}): ShipmentFacts {
  return { orderRef: 'WO-1', reservations: [reservation()], lines: [shipLine()], prior: none, ...overrides };
}

describe('decidePutaway', () => {
  it('receives good units as available and damaged ones as defective, saying so', () => {
    const [d] = decidePutaway([putLine({ goodMilli: 4000, damagedMilli: 1000 })], none);
    expect(d).toMatchObject({
      action: 'receive',
      receipts: [
        { status: 'available', milli: 4000 },
        { status: 'defective', milli: 1000 },
      ],
    });
    expect(d!.reasons).toEqual([
      '4 put away at DC, available',
      '1 received damaged at DC: held as defective',
    ]);
  });

  it('takes a line confirmed before with the same content as a repeat that receives nothing', () => {
    const line = putLine();
    const [d] = decidePutaway([line], new Map([[line.key, putawayFingerprint(line)]]));
    expect(d).toMatchObject({ action: 'repeat' });
    expect(d!.reasons[0]).toContain('confirmed before with the same content');
  });

  it('refuses a line confirmed before with another quantity, naming both', () => {
    const earlier = putLine({ goodMilli: 3000 });
    const [d] = decidePutaway([putLine()], new Map([[earlier.key, putawayFingerprint(earlier)]]));
    expect(d).toMatchObject({ action: 'reject', code: 'WAREHOUSE_CONFIRMATION_CONFLICT' });
    expect(d!.reasons[0]).toMatch(/"good":"3".*now.*"good":"4"/);
  });

  it('catches the same receipt line twice in one message', () => {
    const decisions = decidePutaway([putLine(), putLine(), putLine({ goodMilli: 1000 })], none);
    expect(decisions.map((d) => d.action)).toEqual(['receive', 'repeat', 'reject']);
  });

  it('keeps the lot for a lot-tracked part and notes it for a part the hub does not track by lot', () => {
    const [tracked] = decidePutaway([putLine({ tracking: 'lot', lot: 'L7' })], none);
    expect(tracked).toMatchObject({ action: 'receive', receipts: [{ lot: 'L7' }] });
    const [untracked] = decidePutaway([putLine({ lot: 'L7' })], none);
    expect(untracked).toMatchObject({ action: 'receive', receipts: [{ status: 'available', milli: 4000 }] });
    expect(untracked!.action === 'receive' ? untracked!.receipts[0]!.lot : 'not received').toBeUndefined();
    expect(untracked!.reasons[0]).toContain('not lot-tracked');
  });

  it('records a line that received nothing without a receipt', () => {
    const [d] = decidePutaway([putLine({ goodMilli: 0 })], none);
    expect(d).toMatchObject({ action: 'nothing' });
    expect(d!.reasons.at(-1)).toContain('received nothing');
  });
});

describe('decideShipment', () => {
  it('issues a complete shipment from the reservation, consuming it', () => {
    const [d] = decideShipment(facts());
    expect(d).toMatchObject({
      action: 'ship',
      issues: [{ reservationId: 'rsv_1', locationCode: 'DC', milli: 5000 }],
      releases: [],
      shortMilli: 0,
      stillReservedMilli: 0,
      demandRefs: ['WO-1/1'],
    });
    expect(d!.reasons[0]).toBe('5 issued from DC against reservation rsv_1 (WO-1/1), which it consumes');
  });

  it('issues a partial shipment and keeps what did not ship reserved as short', () => {
    const [d] = decideShipment(facts({ lines: [shipLine({ status: 'partial', shippedMilli: 3000 })] }));
    expect(d).toMatchObject({
      action: 'ship',
      issues: [{ reservationId: 'rsv_1', milli: 3000 }],
      shortMilli: 2000,
      stillReservedMilli: 2000,
      releasedMilli: 0,
    });
    expect(d!.reasons).toContain('shipped short by 2: it stays reserved as still to ship');
  });

  it('keeps the rest reserved when the warehouse calls a short line complete, and says so', () => {
    const [d] = decideShipment(facts({ lines: [shipLine({ shippedMilli: 4000, orderedMilli: 4000 })] }));
    expect(d).toMatchObject({ action: 'ship', shortMilli: 1000, stillReservedMilli: 1000 });
    expect(d!.reasons.join(' ')).toContain('reports the line complete but shipped 4 of 5 held');
    expect(d!.reasons.join(' ')).toContain("the warehouse's ordered quantity is 4; the hub held 5");
  });

  it('releases a cancelled line, after issuing what did ship', () => {
    const [d] = decideShipment(facts({ lines: [shipLine({ status: 'cancelled', shippedMilli: 1000 })] }));
    expect(d).toMatchObject({
      action: 'ship',
      issues: [{ reservationId: 'rsv_1', milli: 1000 }],
      releases: [{ reservationId: 'rsv_1', milli: 4000 }],
      shortMilli: 4000,
      stillReservedMilli: 0,
      releasedMilli: 4000,
    });
  });

  it('ships from the oldest reservations first across several', () => {
    const [d] = decideShipment(
      facts({
        reservations: [
          reservation({ id: 'rsv_new', openMilli: 2000, createdAt: '2026-12-02T00:00:00.000Z' }),
          reservation({ id: 'rsv_old', openMilli: 2000, createdAt: '2026-12-01T00:00:00.000Z' }),
        ],
        lines: [shipLine({ status: 'partial', shippedMilli: 3000 })],
      }),
    );
    expect(d).toMatchObject({
      issues: [
        { reservationId: 'rsv_old', milli: 2000 },
        { reservationId: 'rsv_new', milli: 1000 },
      ],
      shortMilli: 1000,
    });
  });

  it('refuses to ship more than the order holds, and refuses an order nobody reserved for', () => {
    const [over] = decideShipment(facts({ lines: [shipLine({ shippedMilli: 6000 })] }));
    expect(over).toMatchObject({ action: 'reject', code: 'WAREHOUSE_SHIPMENT_EXCEEDS_RESERVED' });
    expect(over!.reasons[0]).toContain('ships 6 but the order holds 5');
    const [consumed] = decideShipment(
      facts({ reservations: [reservation({ openMilli: 0, state: 'consumed' })] }),
    );
    expect(consumed).toMatchObject({ action: 'reject', code: 'WAREHOUSE_SHIPMENT_EXCEEDS_RESERVED' });
    expect(consumed!.reasons[0]).toContain('no longer open');
    const [unknown] = decideShipment(facts({ reservations: [] }));
    expect(unknown).toMatchObject({ action: 'reject', code: 'WAREHOUSE_ORDER_UNKNOWN' });
  });

  it('refuses a line for a part the order does not reserve at that warehouse', () => {
    const [otherPart] = decideShipment(facts({ lines: [shipLine({ partNumber: 'P-9' })] }));
    expect(otherPart).toMatchObject({ action: 'reject', code: 'WAREHOUSE_LINE_UNMATCHED' });
    const [elsewhere] = decideShipment(facts({ lines: [shipLine({ locationCode: 'EAST' })] }));
    expect(elsewhere).toMatchObject({ action: 'reject', code: 'WAREHOUSE_LINE_UNMATCHED' });
    expect(elsewhere!.reasons[0]).toContain('reserves no part P-1 at EAST');
  });

  it("ships a work order line's own reservations when the WMS names the line", () => {
    const decisions = decideShipment(
      facts({
        reservations: [
          reservation({ id: 'rsv_a', demandRef: 'WO-1/1', openMilli: 1000 }),
          reservation({ id: 'rsv_b', demandRef: 'WO-1/2', openMilli: 1000 }),
        ],
        lines: [shipLine({ lineRef: '2', orderLineRef: '2', shippedMilli: 1000 })],
      }),
    );
    expect(decisions[0]).toMatchObject({ issues: [{ reservationId: 'rsv_b' }], demandRefs: ['WO-1/2'] });
  });

  it('never ships one reserved unit twice for two lines of one message', () => {
    const decisions = decideShipment(
      facts({ lines: [shipLine({ shippedMilli: 3000 }), shipLine({ lineRef: '2', shippedMilli: 3000 })] }),
    );
    expect(decisions.map((d) => d.action)).toEqual(['ship', 'reject']);
    expect(decisions[1]!.reasons[0]).toContain('ships 3 but the order holds 2');
  });

  it('takes a repeated line as a repeat even after its reservation was consumed', () => {
    const line = shipLine();
    const [d] = decideShipment(
      facts({
        reservations: [reservation({ openMilli: 0, state: 'consumed' })],
        lines: [line],
        prior: new Map([[line.key, shipmentFingerprint(line)]]),
      }),
    );
    expect(d).toMatchObject({ action: 'repeat' });
  });

  it('hands each issue its own serials and passes a lot only for lot-tracked parts', () => {
    const [d] = decideShipment(
      facts({
        reservations: [
          reservation({ id: 'r1', openMilli: 1000, createdAt: '2026-12-01T00:00:00.000Z' }),
          reservation({ id: 'r2', openMilli: 2000, createdAt: '2026-12-02T00:00:00.000Z' }),
        ],
        lines: [shipLine({ tracking: 'serial', shippedMilli: 3000, serials: ['S1', 'S2', 'S3'] })],
      }),
    );
    expect(d).toMatchObject({
      issues: [
        { reservationId: 'r1', serials: ['S1'] },
        { reservationId: 'r2', serials: ['S2', 'S3'] },
      ],
    });
    const [lotted] = decideShipment(facts({ lines: [shipLine({ tracking: 'lot', lot: 'L1' })] }));
    expect(lotted).toMatchObject({ issues: [{ lot: 'L1' }] });
    const [plain] = decideShipment(facts({ lines: [shipLine({ lot: 'L1' })] }));
    expect(plain!.action === 'ship' ? plain!.issues[0]!.lot : 'not shipped').toBeUndefined();
  });

  it('never issues more than any reservation holds, and shipped plus short is what was held', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }),
        fc.array(
          fc.record({
            shipped: fc.integer({ min: 0, max: 12 }),
            status: fc.constantFrom('shipped' as const, 'partial' as const, 'cancelled' as const),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (held, lines) => {
          const reservations = held.map((units, i) =>
            reservation({
              id: `r${i}`,
              openMilli: units * 1000,
              state: units > 0 ? 'open' : 'consumed',
              createdAt: `2026-12-0${i + 1}T00:00:00.000Z`,
            }),
          );
          const decisions = decideShipment(
            facts({
              reservations,
              lines: lines.map((l, i) =>
                shipLine({ lineRef: String(i + 1), shippedMilli: l.shipped * 1000, status: l.status }),
              ),
            }),
          );
          const left = new Map(reservations.map((r) => [r.id, r.openMilli]));
          for (const d of decisions) {
            if (d.action !== 'ship') continue;
            const before = [...left.values()].reduce((a, b) => a + b, 0);
            for (const issue of d.issues)
              left.set(issue.reservationId, left.get(issue.reservationId)! - issue.milli);
            for (const release of d.releases)
              left.set(release.reservationId, left.get(release.reservationId)! - release.milli);
            for (const value of left.values()) expect(value).toBeGreaterThanOrEqual(0);
            expect(d.issues.reduce((a, i) => a + i.milli, 0)).toBe(d.line.shippedMilli);
            expect(d.line.shippedMilli + d.shortMilli).toBe(before);
          }
        },
      ),
    );
  });
});
