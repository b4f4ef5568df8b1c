import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import type { RetirementSchedule } from './demand/retirement.js';
import type { retirementScheduleSchema } from './demand/retirements.service.js';
import { classifyDemand, type DemandClassification } from './forecast/classification.js';
import { demandClassificationSchema } from './forecast/forecast.schemas.js';
import { learnedLeadTimeSchema } from './lead-times/lead-times.service.js';
import { learnLeadTimes, type LearnedLeadTime } from './lead-times/learning.js';
import { leadTimeDemandFromHistory } from './stocking/lead-time-demand.js';
import { stockingLevels, type StockingLevels } from './stocking/reorder.js';
import { stockingLevelsSchema } from './stocking/stocking.schemas.js';

// A response schema is also the serializer: a field it lacks is stripped from the answer. The
// service types are inferred from their schemas; the pure rules keep their own types, held to
// their schemas here (the type checks by tsc, the rest when the tests run).
describe('response schemas of the planning routes', () => {
  it('describe exactly the types the pure rules return', () => {
    expectTypeOf<z.infer<typeof demandClassificationSchema>>().toEqualTypeOf<DemandClassification>();
    expectTypeOf<z.infer<typeof stockingLevelsSchema>>().toEqualTypeOf<StockingLevels>();
    expectTypeOf<z.infer<typeof learnedLeadTimeSchema>>().toEqualTypeOf<LearnedLeadTime>();
    expectTypeOf<z.infer<typeof retirementScheduleSchema>>().toEqualTypeOf<RetirementSchedule>();
  });

  it('keep every field the pure rules return', () => {
    const classification = classifyDemand([0, 3, 0, 0, 5, 2]);
    expect(demandClassificationSchema.parse(classification)).toEqual(classification);
    const levels = stockingLevels({
      demand: leadTimeDemandFromHistory([3, 0, 5, 2, 4, 1], { leadTime: 2 }),
      target: { kind: 'fill-rate', value: 0.95 },
      orderQuantity: 6,
    });
    expect(stockingLevelsSchema.parse(levels)).toEqual(levels);
    const day = (d: number) => new Date(Date.UTC(2026, 0, d)).toISOString();
    // Five receipts after 4 to 8 days and one after 40: an outlier left out.
    const learned = learnLeadTimes(
      [4, 5, 6, 7, 8, 40].map((days, i) => ({
        partyKind: 'supplier' as const,
        partyCode: 'ACME',
        partNumber: 'P-1',
        startedAt: day(1 + i),
        endedAt: day(1 + i + days),
        ref: `rpl_${i}`,
      })),
    );
    expect(learned.some((l) => l.outliers.length > 0)).toBe(true);
    for (const l of learned) expect(learnedLeadTimeSchema.parse(l)).toEqual(l);
  });
});
