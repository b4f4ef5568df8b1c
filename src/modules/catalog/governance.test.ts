import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideTiming, routeUpdate, survivingValue } from './governance.js';

const rules = [{ attribute: 'cost', owner: 'ERP' }];

describe('routeUpdate', () => {
  it('applies an owner update, turns a non-owner update into a change request', () => {
    expect(routeUpdate('cost', 'ERP', rules).route).toBe('apply');
    expect(routeUpdate('cost', 'FSM', rules)).toMatchObject({
      route: 'change_request',
      reason: expect.stringContaining('ERP owns cost'),
    });
    expect(routeUpdate('description', 'FSM', rules).route).toBe('apply');
  });
});

describe('survivingValue', () => {
  it('keeps the owner value even when another source is newer', () => {
    const v = survivingValue(
      'cost',
      [
        { source: 'ERP', value: 10, observedAt: '2026-01-01T00:00:00.000Z' },
        { source: 'FSM', value: 12, observedAt: '2026-06-01T00:00:00.000Z' },
      ],
      rules,
    );
    expect(v.value?.value).toBe(10);
  });

  it('otherwise keeps the most recent value, whatever the order of the inputs (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            source: fc.constantFrom('A', 'B', 'C', 'D'),
            value: fc.integer(),
            observedAt: fc
              .date({ min: new Date('2026-01-01'), max: new Date('2026-12-31'), noInvalidDate: true })
              .map((d) => d.toISOString()),
          }),
          { selector: (v) => v.source, minLength: 1 },
        ),
        (values) => {
          const a = survivingValue('x', values, []);
          const b = survivingValue('x', [...values].reverse(), []);
          expect(a.value).toEqual(b.value);
          expect(values.every((v) => v.observedAt <= a.value!.observedAt)).toBe(true);
        },
      ),
    );
  });
});

describe('decideTiming', () => {
  const windows = [
    { startsAt: '2026-12-01T00:00:00.000Z', endsAt: '2026-12-08T00:00:00.000Z', reason: 'ERP go-live' },
  ];
  it('waits for the effective date, holds inside a freeze window, lets emergencies through', () => {
    expect(decideTiming('2027-01-01T00:00:00.000Z', '2026-11-25T00:00:00.000Z', false, windows).when).toBe(
      'later',
    );
    expect(
      decideTiming('2026-11-01T00:00:00.000Z', '2026-12-03T00:00:00.000Z', false, windows),
    ).toMatchObject({ when: 'frozen', until: '2026-12-08T00:00:00.000Z' });
    expect(decideTiming('2026-11-01T00:00:00.000Z', '2026-12-03T00:00:00.000Z', true, windows).when).toBe(
      'now',
    );
    expect(decideTiming('2026-11-01T00:00:00.000Z', '2026-12-09T00:00:00.000Z', false, windows).when).toBe(
      'now',
    );
  });
});
