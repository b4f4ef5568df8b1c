import { z } from 'zod';
import { PART_TRACKING, partNumberSchema } from '../catalog/index.js';
import {
  DEMAND_TYPES,
  MOVEMENT_TYPES,
  STOCK_STATUSES,
  createLocationSchema,
  reservationSchema,
} from './inventory.schemas.js';

const code = createLocationSchema.shape.code;
const serial = z.string().trim().min(1).max(80);
const reference = z.string().trim().min(1).max(200);

export const kitDefinitionInputSchema = z
  .object({
    components: z
      .array(
        z
          .object({
            partNumber: partNumberSchema,
            quantity: z.number().finite().describe('In the component’s base unit'),
          })
          .strict(),
      )
      .min(1)
      .max(100),
    reason: z.string().trim().min(1).max(500).optional().describe('Why the bill of parts is (re)defined'),
  })
  .strict();
export type KitDefinitionInput = z.infer<typeof kitDefinitionInputSchema>;

export const kitDefinitionSchema = z.object({
  kitPartNumber: z.string(),
  version: z.number().int(),
  components: z.array(
    z.object({ partNumber: z.string(), quantity: z.number(), tracking: z.enum(PART_TRACKING) }),
  ),
  reason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type KitDefinition = z.infer<typeof kitDefinitionSchema>;

export const buildKitInputSchema = z
  .object({
    locationCode: code.describe('Where the components are taken and the kit unit is put'),
    serial: serial.optional().describe('The kit unit’s serial (its label); by default the kit unit id'),
    reference: reference.optional().describe('Why it is built, e.g. the work order'),
    items: z
      .array(
        z
          .object({
            partNumber: partNumberSchema,
            serials: z.array(serial).min(1).max(1000).optional(),
            lot: z.string().trim().min(1).max(80).optional(),
          })
          .strict(),
      )
      .max(100)
      .optional()
      .describe('Serials or lots the builder took off the shelf; the hub chooses for components not listed'),
    reserve: z
      .object({
        demandType: z.enum(DEMAND_TYPES),
        priority: z.number().int().min(0).max(1000),
        demandRef: z.string().trim().min(1).max(200),
      })
      .strict()
      .optional()
      .describe('Reserve the new kit unit for this demand in the same step (needs reservation:create)'),
  })
  .strict();
export type BuildKitInput = z.infer<typeof buildKitInputSchema>;

export const KIT_UNIT_STATES = ['in_stock', 'out_of_stock', 'broken'] as const;

const ledgerRef = z.object({
  movementId: z.string(),
  type: z.enum(MOVEMENT_TYPES),
  locationCode: z.string(),
  status: z.enum(STOCK_STATUSES),
  quantity: z.number(),
  reference: z.string().nullable(),
  actor: z.string(),
  at: z.string(),
});

export const kitUnitSchema = z.object({
  id: z.string(),
  kitPartNumber: z.string(),
  serial: z.string(),
  definitionVersion: z.number().int(),
  state: z.enum(KIT_UNIT_STATES).describe('Derived from the stock of the kit’s serial'),
  location: z
    .object({ code: z.string(), status: z.enum(STOCK_STATUSES) })
    .nullable()
    .describe('Where the kit unit is now, while in stock'),
  items: z.array(
    z.object({
      partNumber: z.string(),
      serial: z.string().nullable(),
      lot: z.string().nullable(),
      quantity: z.number(),
    }),
  ),
  reference: z.string().nullable(),
  built: z.object({ locationCode: z.string(), by: z.string(), at: z.string() }),
  broken: z
    .object({ locationCode: z.string(), by: z.string(), at: z.string(), reason: z.string() })
    .nullable(),
  leftStock: ledgerRef
    .nullable()
    .describe('The ledger line that took the kit out of stock (issue, adjustment)'),
  history: z
    .array(ledgerRef)
    .optional()
    .describe('Every ledger line of the kit’s serial, oldest first (single kit unit only)'),
});
export type KitUnit = z.infer<typeof kitUnitSchema>;

export const buildKitResultSchema = z.object({
  kitUnit: kitUnitSchema,
  reasons: z.array(z.string()).describe('What was taken from where, and why'),
  reservation: reservationSchema.nullable(),
});

export const breakKitInputSchema = z
  .object({ reason: z.string().trim().min(1).max(500), reference: reference.optional() })
  .strict();
export type BreakKitInput = z.infer<typeof breakKitInputSchema>;

export const breakKitResultSchema = z.object({ kitUnit: kitUnitSchema, reasons: z.array(z.string()) });

export const issueKitInputSchema = z
  .object({
    reservationId: z.string().max(80).optional().describe('Consume this reservation of the kit part'),
    reference: reference.optional().describe('Delivery, work order…; written on the ledger line'),
  })
  .strict()
  .default({});
export type IssueKitInput = z.infer<typeof issueKitInputSchema>;

export const issueKitResultSchema = z.object({ kitUnit: kitUnitSchema, movementId: z.string() });

export const kitUnitQuerySchema = z.object({
  serial: serial.optional().describe('Kit units that hold (or held) this component serial'),
  partNumber: partNumberSchema.optional().describe('Kit units with this component part'),
  kitPartNumber: partNumberSchema.optional(),
  kitSerial: serial.optional().describe('The kit unit with this serial of its own'),
  locationCode: code.optional().describe('Kit units in stock at this location now'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type KitUnitQuery = z.infer<typeof kitUnitQuerySchema>;
