import { z } from 'zod';
import { partNumberSchema, partSchema } from './catalog.schemas.js';

export const SCHEME_KINDS = ['internal', 'oem', 'erp_material', 'supplier', 'fsm_item'] as const;

const schemeCode = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Z0-9_-]+$/, 'scheme codes are upper-case letters, digits, _ and -');

export const normalizationRulesSchema = z
  .object({
    case: z.enum(['upper', 'lower', 'preserve']).default('upper'),
    stripCharacters: z.string().max(20).default(' -./_'),
    stripLeadingZeros: z.boolean().default(false),
    removePrefixes: z.array(z.string().min(1).max(20)).max(20).default([]),
  })
  .strict();

export const createSchemeSchema = z
  .object({
    code: schemeCode,
    kind: z.enum(SCHEME_KINDS),
    issuer: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('Manufacturer or supplier the numbers come from'),
    description: z.string().trim().min(1).max(200),
    rules: normalizationRulesSchema.default({
      case: 'upper',
      stripCharacters: ' -./_',
      stripLeadingZeros: false,
      removePrefixes: [],
    }),
  })
  .strict();
export type CreateSchemeInput = z.input<typeof createSchemeSchema>;

export const schemeSchema = z.object({
  code: z.string(),
  kind: z.enum(SCHEME_KINDS),
  issuer: z.string().nullable(),
  description: z.string(),
  rules: normalizationRulesSchema,
  builtIn: z.boolean(),
});
export type Scheme = z.infer<typeof schemeSchema>;

export const addXrefSchema = z
  .object({
    scheme: schemeCode,
    number: z.string().trim().min(1).max(80),
    source: z.string().trim().min(1).max(60).default('api').describe('The system the number comes from'),
  })
  .strict();
export type AddXrefInput = z.input<typeof addXrefSchema>;

export const xrefSchema = z.object({
  scheme: z.string(),
  number: z.string().describe('As given'),
  normalized: z.string(),
  partNumber: z.string(),
  source: z.string(),
  createdAt: z.string(),
});
export type Xref = z.infer<typeof xrefSchema>;

export const conflictSchema = z.object({
  id: z.string(),
  scheme: z.string(),
  number: z.string(),
  normalized: z.string(),
  existingPartNumber: z.string(),
  proposedPartNumber: z.string(),
  source: z.string(),
  status: z.enum(['open', 'resolved']),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolution: z.enum(['keep_existing', 'reassign']).nullable(),
  resolvedBy: z.string().nullable(),
  resolutionReason: z.string().nullable(),
});
export type XrefConflict = z.infer<typeof conflictSchema>;

export const resolveConflictSchema = z.object({
  decision: z
    .enum(['keep_existing', 'reassign'])
    .describe(
      'keep_existing: the number stays with the part it names; reassign: it moves to the proposed part',
    ),
  reason: z.string().trim().min(3).max(500),
});
export type ResolveConflictInput = z.infer<typeof resolveConflictSchema>;

export const resolveQuerySchema = z.object({
  number: z.string().trim().min(1).max(80),
  scheme: schemeCode.optional(),
  at: z.iso.datetime().optional().describe('Resolve supersession as of this instant (default now)'),
});

const stepSchema = z.object({
  from: z.string(),
  to: z.string(),
  type: z.enum(['one_way', 'two_way']),
  effectiveFrom: z.string(),
  reason: z.string(),
});

export const resolutionSchema = z.object({
  number: z.string(),
  scheme: z.string(),
  normalized: z.string(),
  normalization: z.array(z.string()),
  part: partSchema.describe('The part the number names'),
  current: partSchema.describe('The part valid at the given instant, after supersession'),
  path: z.array(stepSchema),
  explanation: z.string(),
});
export type Resolution = z.infer<typeof resolutionSchema>;

export const USE_UP_RULES = ['use_up', 'scrap', 'return_to_vendor', 'rework'] as const;

export const addSupersessionSchema = z
  .object({
    successor: partNumberSchema,
    type: z.enum(['one_way', 'two_way']),
    effectiveFrom: z.iso.datetime(),
    reason: z.string().trim().min(1).max(300).describe('e.g. the engineering change notice'),
    useUp: z.enum(USE_UP_RULES).default('use_up').describe('What happens to remaining stock of the old part'),
  })
  .strict();
export type AddSupersessionInput = z.input<typeof addSupersessionSchema>;

export const supersessionSchema = z.object({
  partNumber: z.string(),
  successor: z.string(),
  type: z.enum(['one_way', 'two_way']),
  effectiveFrom: z.string(),
  reason: z.string(),
  useUp: z.enum(USE_UP_RULES),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Supersession = z.infer<typeof supersessionSchema>;

export const addSubstituteSchema = z
  .object({
    substitute: partNumberSchema,
    models: z
      .array(z.string().trim().min(1).max(80))
      .min(1)
      .max(200)
      .optional()
      .describe('Valid only for these equipment models; omit for any model'),
    preference: z.number().int().min(1).max(1000).describe('1 is tried first'),
    note: z.string().max(300).optional(),
  })
  .strict();
export type AddSubstituteInput = z.input<typeof addSubstituteSchema>;

export const substituteSchema = z.object({
  partNumber: z.string(),
  substitute: z.string(),
  models: z.array(z.string()).nullable(),
  preference: z.number(),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type Substitute = z.infer<typeof substituteSchema>;

export const addConversionSchema = z
  .object({
    partNumber: partNumberSchema.optional().describe('Omit for a global conversion'),
    fromUom: z
      .string()
      .trim()
      .min(1)
      .max(10)
      .transform((s) => s.toUpperCase()),
    toUom: z
      .string()
      .trim()
      .min(1)
      .max(10)
      .transform((s) => s.toUpperCase()),
    numerator: z.number().int().positive().max(1e9).describe('1 fromUom = numerator/denominator toUom'),
    denominator: z.number().int().positive().max(1e9).default(1),
  })
  .strict();
export type AddConversionInput = z.input<typeof addConversionSchema>;

export const conversionSchema = z.object({
  partNumber: z.string().nullable(),
  fromUom: z.string(),
  toUom: z.string(),
  numerator: z.number(),
  denominator: z.number(),
  builtIn: z.boolean(),
});

export const convertSchema = z
  .object({
    partNumber: partNumberSchema,
    quantity: z.number().finite(),
    uom: z.string().trim().min(1).max(10),
  })
  .strict();

export const convertResultSchema = z.object({
  partNumber: z.string(),
  quantity: z.number().describe('In the base unit'),
  baseUom: z.string(),
  from: z.object({ quantity: z.number(), uom: z.string() }),
  factor: z.object({ numerator: z.number(), denominator: z.number() }),
  path: z.array(z.string()),
});
