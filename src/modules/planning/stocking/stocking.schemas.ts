import { z } from 'zod';
import { DISTRIBUTION_KINDS } from './lead-time-demand.js';
import { serviceTargetSchema } from './targets.js';

/**
 * StockingLevels (reorder.ts) as the API answers it. Every figure is finite: the inputs are
 * checked finite and the targets stay below 1. Kept equal to the type by response-schemas.test.ts.
 */
export const stockingLevelsSchema = z.object({
  distribution: z
    .enum(DISTRIBUTION_KINDS)
    .describe('the distribution fitted to lead-time demand; none: no demand over the lead time'),
  target: serviceTargetSchema,
  orderQuantity: z.number().describe('Q: units per replenishment, in the part’s base unit'),
  reorderPoint: z
    .number()
    .describe('s: order when the inventory position is at or below it; whole units for discrete demand'),
  reorderPointUnits: z.number().describe('s rounded up to a whole unit'),
  orderUpTo: z.number().describe('S = s + Q'),
  safetyStock: z
    .number()
    .describe('s − the mean demand over the lead time; negative when the target needs less than the mean'),
  cycleServiceLevel: z
    .number()
    .describe('achieved at s: the probability that a cycle has no stock-out, 0 to 1'),
  fillRate: z.number().describe('achieved at s: the share of a cycle’s demand met from stock, 0 to 1'),
  expectedShortage: z.number().describe('achieved at s: units short per replenishment cycle'),
  reasons: z.array(z.string()),
});
