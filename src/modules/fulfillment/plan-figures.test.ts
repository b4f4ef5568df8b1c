import { describe, expect, it } from 'vitest';
import { lineFilledFromStock, planColumns, planFigures } from './plan-figures.js';

describe('lineFilledFromStock: first-time fill from stock the network holds', () => {
  it('counts a line covered by vans and warehouses, not one that needs a purchase or is backordered', () => {
    const line = (allocations: Array<{ source: string; quantity: number }>, quantity = 3) => ({
      quantity,
      allocations,
    });
    expect(
      lineFilledFromStock(
        line([
          { source: 'van', quantity: 1 },
          { source: 'central_dc', quantity: 2 },
        ]),
      ),
    ).toBe(true);
    expect(
      lineFilledFromStock(
        line([
          { source: 'van', quantity: 1 },
          { source: 'purchase', quantity: 2 },
        ]),
      ),
    ).toBe(false);
    expect(
      lineFilledFromStock(
        line([
          { source: 'regional_warehouse', quantity: 2 },
          { source: 'backorder', quantity: 1 },
        ]),
      ),
    ).toBe(false);
    expect(lineFilledFromStock(line([], 0))).toBe(false);
  });
});

describe('planFigures and planColumns', () => {
  it('count the lines and those filled from stock, and store them with the plan', () => {
    const plan = [
      { quantity: 2, allocations: [{ source: 'van', quantity: 2 }] },
      { quantity: 1, allocations: [{ source: 'purchase', quantity: 1 }] },
      { quantity: 3, allocations: [{ source: 'forward_stocking_location', quantity: 3 }] },
    ];
    expect(planFigures(plan)).toEqual({ lines: 3, filled: 2 });
    expect(planFigures([])).toEqual({ lines: 0, filled: 0 });
    expect(planColumns(plan)).toEqual({ plan_json: JSON.stringify(plan), plan_lines: 3, plan_filled: 2 });
  });
});
