import { z } from 'zod';
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
