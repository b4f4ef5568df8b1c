import { z } from 'zod';
import { partNumberSchema } from '../catalog/index.js';

export const workOrderInputSchema = z
  .object({
    externalRef: z.string().trim().min(1).max(100).describe('the work order number in the FSM'),
    sourceSystem: z.string().trim().min(1).max(60).default('FSM'),
    technicianVan: z
      .string()
      .trim()
      .min(1)
      .max(60)
      .nullable()
      .default(null)
      .describe('location code of the assigned technician’s van: used first'),
    jobRegion: z.string().trim().min(1).max(60).describe('region of the job site'),
    priority: z.number().int().min(0).max(1000).describe('higher outranks lower, as for reservations'),
    dueAt: z.iso.datetime().describe('SLA: when the parts must be at the job'),
    createdAt: z.iso
      .datetime()
      .optional()
      .describe('when the FSM created the work order: latency is measured from it (default: now)'),
    lines: z
      .array(
        z
          .object({
            lineId: z.string().trim().min(1).max(40),
            partNumber: partNumberSchema,
            quantity: z.number().positive().describe('in the part’s base unit'),
          })
          .strict(),
      )
      .min(1)
      .max(200),
  })
  .strict();
export type WorkOrderInput = z.infer<typeof workOrderInputSchema>;

const allocationSchema = z.object({
  source: z.string(),
  locationCode: z.string().optional(),
  supplier: z.string().optional(),
  partNumber: z.string(),
  quantity: z.number(),
  arrivesAt: z.string().nullable(),
  onTime: z.boolean(),
});

export const linePlanSchema = z.object({
  lineId: z.string(),
  requestedPartNumber: z.string(),
  partNumber: z.string(),
  quantity: z.number(),
  allocations: z.array(allocationSchema),
  requisitionNeeded: z.boolean(),
  onTime: z.boolean(),
  readyAt: z.string().nullable(),
  substitution: z
    .object({
      requestedPartNumber: z.string(),
      partNumber: z.string(),
      relation: z.string(),
      reason: z.string(),
    })
    .nullable(),
  reasons: z.array(z.string()).describe('why each source was chosen or passed over (B3)'),
});

export const requisitionSchema = z.object({
  id: z.string(),
  lineId: z.string(),
  partNumber: z.string(),
  quantity: z.number(),
  source: z.enum(['forward_stocking_location', 'regional_warehouse', 'central_dc', 'purchase', 'backorder']),
  fromLocation: z.string().nullable(),
  supplier: z.string().nullable(),
  arrivesAt: z.string().nullable(),
  status: z.string(),
});
export type Requisition = z.infer<typeof requisitionSchema>;

export const workOrderSchema = z.object({
  id: z.string(),
  externalRef: z.string(),
  sourceSystem: z.string(),
  status: z.enum(['sourced', 'backordered', 'cancelled']),
  technicianVan: z.string().nullable(),
  jobRegion: z.string(),
  priority: z.number(),
  dueAt: z.string(),
  fsmCreatedAt: z.string(),
  createdAt: z.string(),
  reservedAt: z.string().nullable().describe('when its stock was reserved (null: nothing could be)'),
  latencyMs: z.number().nullable().describe('from fsmCreatedAt to reservedAt (M7.1)'),
  plan: z.array(linePlanSchema),
  requisitions: z.array(requisitionSchema),
});
export type WorkOrder = z.infer<typeof workOrderSchema>;
