import { describe, expect, it } from 'vitest';
import { fixedClock } from './clock.js';
import { createIdGenerator } from './ids.js';
import { seededRandom } from './random.js';

describe('createIdGenerator', () => {
  it('makes prefixed ids that sort by time and replay from a seed', () => {
    const make = () => createIdGenerator(fixedClock(new Date('2026-11-25T00:00:00Z'), 1), seededRandom(7));
    const a = make();
    const ids = Array.from({ length: 50 }, () => a.next('rsv'));
    expect(ids.every((id) => /^rsv_[0-9A-HJKMNP-TV-Z]{22}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    const b = make();
    expect(Array.from({ length: 50 }, () => b.next('rsv'))).toEqual(ids);
  });
});
