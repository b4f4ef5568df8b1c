import { z } from 'zod';

export const PART_TRACKING = ['none', 'serial', 'lot'] as const;
export type PartTracking = (typeof PART_TRACKING)[number];

// Units measured continuously; parts in these units accept fractional quantities by default.
const CONTINUOUS_UOMS = new Set([
  'M',
  'CM',
  'MM',
  'KM',
  'FT',
  'IN',
  'YD',
  'KG',
  'G',
  'LB',
  'OZ',
  'L',
  'ML',
  'GAL',
  'M2',
  'M3',
]);

export function defaultWholeUnits(baseUom: string): boolean {
  return !CONTINUOUS_UOMS.has(baseUom.toUpperCase());
}

export const partNumberSchema = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[^\s/?#%\\]+$/, 'part numbers may not contain spaces, slashes, ?, #, % or backslashes');

export const createPartSchema = z
  .object({
    partNumber: partNumberSchema,
    description: z.string().trim().min(1).max(500),
    baseUom: z
      .string()
      .trim()
      .min(1)
      .max(10)
      .transform((s) => s.toUpperCase()),
    wholeUnits: z
      .boolean()
      .optional()
      .describe('Whole units only; by default true unless the unit is continuous (M, KG, L, …)'),
    tracking: z.enum(PART_TRACKING).default('none').describe('Track stock by serial number or lot'),
  })
  .strict();
export type CreatePartInput = z.input<typeof createPartSchema>;

export const partSchema = z.object({
  id: z.string(),
  partNumber: z.string(),
  description: z.string(),
  baseUom: z.string(),
  wholeUnits: z.boolean(),
  tracking: z.enum(PART_TRACKING),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Part = z.infer<typeof partSchema>;

export const listPartsQuerySchema = z.object({
  q: z.string().trim().max(80).optional().describe('Part number or description contains'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: z.string().optional().describe('Part number to continue after (keyset paging)'),
});
