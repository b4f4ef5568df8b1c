/**
 * What a work order's plan says about service (M7.1): how many lines it has and how many of
 * them stock the network already holds fills. Kept beside the plan in `work_orders` at every
 * write of the plan, so the service KPIs add up numbers instead of reading every plan.
 */

/** Sources that are stock the network already holds; anything else is a purchase or a backorder. */
const STOCK_SOURCES = new Set(['van', 'forward_stocking_location', 'regional_warehouse', 'central_dc']);

export interface PlannedLine {
  quantity: number;
  allocations: ReadonlyArray<{ source: string; quantity: number }>;
}

/**
 * A line is filled when stock the network holds covers its whole quantity at sourcing: the
 * usual service-parts fill rate (first-time fill), which a purchase or a backorder misses.
 */
export function lineFilledFromStock(line: PlannedLine): boolean {
  const fromStock = line.allocations
    .filter((a) => STOCK_SOURCES.has(a.source))
    .reduce((sum, a) => sum + a.quantity, 0);
  return line.quantity > 0 && fromStock >= line.quantity - 1e-9;
}

export interface PlanFigures {
  lines: number;
  filled: number;
}

export function planFigures(plan: readonly PlannedLine[]): PlanFigures {
  let filled = 0;
  for (const line of plan) if (lineFilledFromStock(line)) filled += 1;
  return { lines: plan.length, filled };
}

/** The columns that store a plan: the plan itself and its figures, always written together. */
export function planColumns(plan: readonly PlannedLine[]): {
  plan_json: string;
  plan_lines: number;
  plan_filled: number;
} {
  const figures = planFigures(plan);
  return { plan_json: JSON.stringify(plan), plan_lines: figures.lines, plan_filled: figures.filled };
}
