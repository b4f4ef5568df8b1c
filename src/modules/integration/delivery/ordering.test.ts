import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSeq, selectDeliverable, type OutboxState, type PendingMessage } from './ordering.js';

const NOW = Date.parse('2026-03-01T10:00:00.000Z');
const open = (): boolean => true;

function msg(id: string, overrides: Partial<PendingMessage> = {}): PendingMessage {
  return {
    id,
    key: 'P-100',
    systemId: 'erp',
    createdSeq: 1,
    nextAttemptAt: null,
    state: 'pending',
    ...overrides,
  };
}

describe('compareSeq', () => {
  it('compares digit strings as numbers, beyond the safe integer range too', () => {
    expect(compareSeq('9', '10')).toBeLessThan(0);
    expect(compareSeq('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareSeq(11, '10')).toBeGreaterThan(0);
  });

  it('compares other strings as text (ULIDs, ISO stamps)', () => {
    expect(compareSeq('01HZX', '01HZY')).toBeLessThan(0);
  });
});

describe('selectDeliverable', () => {
  it('delivers only the oldest message of a key, and holds the rest behind it', () => {
    const s = selectDeliverable(
      [msg('b', { createdSeq: 2 }), msg('a', { createdSeq: 1 }), msg('c', { createdSeq: 3 })],
      NOW,
      { maxBatch: 10, breakerAllows: open },
    );
    expect(s.deliver).toEqual(['a']);
    expect(s.held).toEqual([
      { id: 'b', reason: expect.stringContaining('behind the older a') },
      { id: 'c', reason: expect.stringContaining('behind the older a') },
    ]);
  });

  it('delivers the heads of different keys and of the same key on different systems together', () => {
    const s = selectDeliverable(
      [
        msg('a', { createdSeq: 1 }),
        msg('b', { key: 'P-200', createdSeq: 2 }),
        msg('c', { systemId: 'wms', createdSeq: 3 }),
      ],
      NOW,
      { maxBatch: 10, breakerAllows: open },
    );
    expect(s.deliver).toEqual(['a', 'b', 'c']);
  });

  it('holds a whole key while its head is in flight', () => {
    const s = selectDeliverable([msg('a', { state: 'in_flight' }), msg('b', { createdSeq: 2 })], NOW, {
      maxBatch: 10,
      breakerAllows: open,
    });
    expect(s.deliver).toEqual([]);
    expect(s.held.map((h) => h.reason)).toEqual([
      expect.stringContaining('in flight'),
      expect.stringContaining('waits until a, in flight'),
    ]);
  });

  it('holds a whole key while its head backs off, and releases it once the backoff is over', () => {
    const rows = [
      msg('a', { state: 'backoff', nextAttemptAt: new Date(NOW + 60_000).toISOString() }),
      msg('b', { createdSeq: 2 }),
    ];
    const before = selectDeliverable(rows, NOW, { maxBatch: 10, breakerAllows: open });
    expect(before.deliver).toEqual([]);
    expect(before.held[1]?.reason).toContain('backing off until 2026-03-01T10:01:00.000Z');
    const after = selectDeliverable(rows, NOW + 60_000, { maxBatch: 10, breakerAllows: open });
    expect(after.deliver).toEqual(['a']);
  });

  it('holds every message of a system whose breaker is open, and asks each system once', () => {
    const asked: string[] = [];
    const s = selectDeliverable(
      [
        msg('a', { systemId: 'erp' }),
        msg('b', { systemId: 'erp', key: 'P-2' }),
        msg('c', { systemId: 'wms', createdSeq: 2 }),
      ],
      NOW,
      {
        maxBatch: 10,
        breakerAllows: (id) => {
          asked.push(id);
          return id !== 'erp';
        },
      },
    );
    expect(s.deliver).toEqual(['c']);
    expect(s.held).toEqual([
      { id: 'a', reason: 'the circuit breaker for system erp is open' },
      { id: 'b', reason: 'the circuit breaker for system erp is open' },
    ]);
    expect(asked).toEqual(['erp', 'wms']);
    expect(s.reasons).toContain('system erp is held: its circuit breaker is open');
  });

  it('sends only as many messages to a half-open system as it has probes', () => {
    const s = selectDeliverable(
      [msg('a', { key: 'K1', createdSeq: 1 }), msg('b', { key: 'K2', createdSeq: 2 })],
      NOW,
      { maxBatch: 10, breakerAllows: () => 1 },
    );
    expect(s.deliver).toEqual(['a']);
    expect(s.held[0]?.reason).toContain('half-open');
  });

  it('does not ask the breaker of a system with nothing ready', () => {
    const asked: string[] = [];
    selectDeliverable([msg('a', { state: 'in_flight' })], NOW, {
      maxBatch: 10,
      breakerAllows: (id) => (asked.push(id), true),
    });
    expect(asked).toEqual([]);
  });

  it('fills the batch oldest first and leaves the rest for the next run', () => {
    const s = selectDeliverable(
      [
        msg('c', { key: 'K3', createdSeq: 30 }),
        msg('a', { key: 'K1', createdSeq: 10 }),
        msg('b', { key: 'K2', createdSeq: 20 }),
      ],
      NOW,
      { maxBatch: 2, breakerAllows: open },
    );
    expect(s.deliver).toEqual(['a', 'b']);
    expect(s.held).toEqual([{ id: 'c', reason: expect.stringContaining('batch limit of 2') }]);
  });
});

const STATES: OutboxState[] = ['pending', 'in_flight', 'backoff'];

/** Random outbox rows over a few systems and keys; seqs unique, as integers, digit strings or bigints. */
const pendingArb = fc
  .uniqueArray(fc.bigInt({ min: 0n, max: 2n ** 60n }), { minLength: 4, maxLength: 40, size: 'medium' })
  .chain((seqs) =>
    fc.tuple(
      ...seqs.map((seq, i) =>
        fc.record({
          id: fc.constant(`m${i}`),
          systemId: fc.constantFrom('erp', 'wms', 'crm'),
          key: fc.constantFrom('K1', 'K2', 'K3', 'K4'),
          createdSeq: fc.constantFrom<string | number>(
            seq.toString(),
            seq <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(seq) : seq.toString(),
          ),
          nextAttemptAt: fc.option(
            fc.integer({ min: -10_000, max: 10_000 }).map((d) => new Date(NOW + d).toISOString()),
            { nil: null },
          ),
          state: fc.constantFrom(...STATES),
          seq: fc.constant(seq),
        }),
      ),
    ),
  );

describe('ordering properties', () => {
  it('never selects two messages of one (system, key), nor one with an older undelivered sibling', () => {
    // Guards against a vacuous pass: runs must deliver messages out of crowded lanes.
    let deliveredWithSiblings = 0;
    fc.assert(
      fc.property(
        pendingArb,
        fc.integer({ min: 0, max: 12 }),
        fc.dictionary(
          fc.constantFrom('erp', 'wms', 'crm'),
          fc.oneof(fc.boolean(), fc.integer({ min: 0, max: 3 })),
        ),
        (rows, maxBatch, breakers) => {
          const pending: PendingMessage[] = rows.map(({ seq: _seq, ...m }) => m);
          const seqOf = new Map<string, bigint>(rows.map((r) => [r.id, r.seq]));
          const allows = (id: string): boolean | number => breakers[id] ?? true;
          const s = selectDeliverable(pending, NOW, { maxBatch, breakerAllows: allows });
          const chosen = pending.filter((m) => s.deliver.includes(m.id));

          const lanes = chosen.map((m) => `${m.systemId}/${m.key}`);
          expect(new Set(lanes).size).toBe(lanes.length);
          for (const m of chosen) {
            const siblings = pending.filter(
              (o) => o.systemId === m.systemId && o.key === m.key && o.id !== m.id,
            );
            expect(siblings.every((o) => seqOf.get(o.id)! > seqOf.get(m.id)!)).toBe(true);
            if (siblings.length > 0) deliveredWithSiblings++;
            expect(siblings.some((o) => o.state === 'in_flight')).toBe(false);
            expect(m.state).not.toBe('in_flight');
            if (m.nextAttemptAt !== null)
              expect(new Date(m.nextAttemptAt).getTime()).toBeLessThanOrEqual(NOW);
          }
          expect(s.deliver.length).toBeLessThanOrEqual(maxBatch);
          for (const [systemId, verdict] of Object.entries(breakers)) {
            const quota = verdict === true ? Infinity : verdict === false ? 0 : verdict;
            expect(chosen.filter((m) => m.systemId === systemId).length).toBeLessThanOrEqual(quota);
          }
          // Every row is accounted for exactly once.
          const ids = [...s.deliver, ...s.held.map((h) => h.id)].sort();
          expect(ids).toEqual(pending.map((m) => m.id).sort());
        },
      ),
      { numRuns: 300 },
    );
    expect(deliveredWithSiblings).toBeGreaterThan(60);
  });
});
