import { z } from 'zod';
import { partNumberSchema } from '../catalog/index.js';

export const STOCK_STATUSES = [
  'available',
  'consigned',
  'loaner',
  'repair_in_process',
  'defective',
  'in_transit',
  'quarantine',
] as const;
export type StockStatus = (typeof STOCK_STATUSES)[number];

export const LOCATION_TYPES = [
  'central_dc',
  'regional_warehouse',
  'forward_stocking_location',
  'technician_van',
  'repair_vendor',
  'customer_site',
] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];

export const MOVEMENT_TYPES = ['receipt', 'issue', 'transfer', 'adjustment', 'status_change'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

export const DEMAND_TYPES = ['field_service', 'internal_transfer'] as const;
export type DemandType = (typeof DEMAND_TYPES)[number];

export const RESERVATION_STATES = ['open', 'released', 'preempted', 'consumed'] as const;
export type ReservationState = (typeof RESERVATION_STATES)[number];

const code = z
  .string()
  .trim()
  .min(1)
  .max(60)
  .regex(/^[A-Za-z0-9._-]+$/, 'codes use letters, digits, dot, underscore and dash');

// Quantities: finite and positive here; whole-unit and decimal-place rules need the part.
const quantity = z.number().finite();

export const createLocationSchema = z
  .object({
    code,
    name: z.string().trim().min(1).max(200),
    type: z.enum(LOCATION_TYPES),
    parentCode: code.optional(),
    region: code,
  })
  .strict();
export type CreateLocationInput = z.infer<typeof createLocationSchema>;

export const locationSchema = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  type: z.enum(LOCATION_TYPES),
  parentCode: z.string().nullable(),
  region: z.string(),
  createdAt: z.string(),
});
export type Location = z.infer<typeof locationSchema>;

export const movementSchema = z
  .object({
    type: z.enum(MOVEMENT_TYPES),
    partNumber: partNumberSchema,
    locationCode: code,
    toLocationCode: code.optional().describe('transfer only'),
    quantity: quantity.describe('Positive; an adjustment is signed (negative removes stock)'),
    status: z.enum(STOCK_STATUSES).optional().describe('Status the stock is in (default available)'),
    toStatus: z.enum(STOCK_STATUSES).optional().describe('status_change, and transfer into another status'),
    reasonCode: code.optional().describe('Required for adjustments'),
    serials: z.array(z.string().trim().min(1).max(80)).max(1000).optional(),
    lot: z.string().trim().min(1).max(80).optional(),
    reservationId: z.string().max(80).optional().describe('issue only: consume this reservation'),
    reference: z
      .string()
      .max(200)
      .optional()
      .describe('External document, e.g. a work order or delivery number'),
  })
  .strict();
export type MovementInput = z.infer<typeof movementSchema>;

export const ledgerLineSchema = z.object({
  id: z.string(),
  movementId: z.string(),
  type: z.enum(MOVEMENT_TYPES),
  partNumber: z.string(),
  locationCode: z.string(),
  status: z.enum(STOCK_STATUSES),
  serial: z.string().nullable(),
  lot: z.string().nullable(),
  quantity: z.number(),
  reasonCode: z.string().nullable(),
  reference: z.string().nullable(),
  actor: z.string(),
  createdAt: z.string(),
});
export type LedgerLine = z.infer<typeof ledgerLineSchema>;

export const movementResultSchema = z.object({
  movementId: z.string(),
  lines: z.array(ledgerLineSchema),
});
export type MovementResult = z.infer<typeof movementResultSchema>;

export const stockQuerySchema = z.object({
  partNumber: partNumberSchema.optional(),
  locationCode: code.optional(),
  status: z.enum(STOCK_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const stockRowSchema = z.object({
  partNumber: z.string(),
  locationCode: z.string(),
  status: z.enum(STOCK_STATUSES),
  onHand: z.number(),
  reserved: z.number(),
  available: z.number(),
});
export type StockRow = z.infer<typeof stockRowSchema>;

export const ledgerQuerySchema = z.object({
  partNumber: partNumberSchema.optional(),
  locationCode: code.optional(),
  type: z.enum(MOVEMENT_TYPES).optional(),
  before: z.string().optional().describe('Ledger line id to page back from'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const createReservationSchema = z
  .object({
    partNumber: partNumberSchema,
    locationCode: code,
    quantity,
    demandType: z.enum(DEMAND_TYPES),
    priority: z.number().int().min(0).max(1000).describe('Higher outranks lower'),
    demandRef: z.string().trim().min(1).max(200).describe('The demand: work order, transfer order…'),
  })
  .strict();
export type CreateReservationInput = z.infer<typeof createReservationSchema>;

export const reservationSchema = z.object({
  id: z.string(),
  partNumber: z.string(),
  locationCode: z.string(),
  quantity: z.number(),
  demandType: z.enum(DEMAND_TYPES),
  priority: z.number(),
  demandRef: z.string(),
  state: z.enum(RESERVATION_STATES),
  stateReason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Reservation = z.infer<typeof reservationSchema>;

export const reservationOutcomeSchema = z.object({
  reservation: reservationSchema,
  reasons: z.array(z.string()).describe('Why the reservation was granted (B3)'),
  preempted: z.array(reservationSchema),
});

export const releaseReservationSchema = z
  .object({ reason: z.string().trim().min(1).max(500).optional() })
  .strict()
  .default({});

export const reservationQuerySchema = z.object({
  demandRef: z.string().optional(),
  partNumber: partNumberSchema.optional(),
  locationCode: code.optional(),
  state: z.enum(RESERVATION_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const COUNT_KINDS = ['cycle_count', 'technician_report'] as const;

export const countSchema = z
  .object({
    locationCode: code,
    kind: z.enum(COUNT_KINDS),
    reasonCode: code,
    note: z.string().max(1000).optional(),
    lines: z
      .array(
        z
          .object({
            partNumber: partNumberSchema,
            status: z.enum(STOCK_STATUSES).default('available'),
            countedQuantity: z.number().finite().min(0),
          })
          .strict(),
      )
      .min(1)
      .max(5000),
  })
  .strict();
export type CountInput = z.infer<typeof countSchema>;

export const countResultSchema = z.object({
  countId: z.string(),
  lines: z.array(
    z.object({
      partNumber: z.string(),
      status: z.enum(STOCK_STATUSES),
      expected: z.number(),
      counted: z.number(),
      difference: z.number(),
      movementId: z.string().nullable(),
    }),
  ),
  preempted: z.array(reservationSchema),
  masterDataCorrectionRequested: z.boolean(),
});

export const reasonCodeSchema = z.object({
  code,
  description: z.string().trim().min(1).max(200),
  cause: z.enum(['physical', 'master_data', 'process']).describe('master_data opens a correction request'),
});
export type ReasonCode = z.infer<typeof reasonCodeSchema>;
