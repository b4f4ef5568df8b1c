import { z } from 'zod';
import { DEMAND_CLASSES } from './classification.js';
import { DATASETS } from './datasets.js';
import { FORECAST_METHODS } from './methods.js';

const unit = z.number().min(0).max(1);

/** A method with its parameters, as the CLI and (later) the API accept it. */
export const methodSpecSchema = z.object({
  method: z.enum(FORECAST_METHODS),
  alpha: unit.optional(),
  alphaD: unit.optional(),
  alphaP: unit.optional(),
  window: z.number().int().min(1).optional(),
});

/** `sparehub forecast evaluate` options (commander hands them over as strings). */
export const evaluateOptionsSchema = z.object({
  dataset: z.enum([...DATASETS, 'all']).default('all'),
  holdout: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).optional(),
  plot: z.string().min(1).optional(),
  data: z.string().min(1).default('../shared/data'),
  json: z.boolean().optional(),
});
export type EvaluateOptions = z.infer<typeof evaluateOptionsSchema>;

/** DemandClassification (classification.ts) as the API answers it; response-schemas.test.ts keeps them equal. */
export const demandClassificationSchema = z.object({
  class: z.enum(DEMAND_CLASSES),
  periods: z.number().describe('periods of history classified'),
  demands: z.number().describe('periods with demand'),
  adi: z
    .number()
    .nullable()
    .describe(
      'mean inter-demand interval in periods (the first counted from the start); null without demand',
    ),
  cv2: z
    .number()
    .nullable()
    .describe('squared coefficient of variation of the demand sizes; null below two demands'),
  reasons: z.array(z.string()),
});
