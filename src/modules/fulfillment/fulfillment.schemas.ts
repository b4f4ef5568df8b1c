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
    equipmentModel: z
      .string()
      .trim()
      .min(1)
      .max(80)
      .nullable()
      .default(null)
      .describe('model of the equipment being repaired: substitutes limited to models apply only to it'),
    technicianLevel: z
      .string()
      .trim()
      .min(1)
      .max(40)
      .nullable()
      .default(null)
      .describe('e.g. junior, senior, lead: approval rules may depend on it'),
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

export const REQUISITION_STATUSES = [
  'held',
  'raised',
  'acknowledged',
  'backordered',
  'shipped',
  'rejected',
  'cancelled',
] as const;
export type RequisitionStatus = (typeof REQUISITION_STATUSES)[number];

export const requisitionSchema = z.object({
  id: z.string(),
  lineId: z.string(),
  partNumber: z.string(),
  quantity: z.number(),
  source: z.enum(['forward_stocking_location', 'regional_warehouse', 'central_dc', 'purchase', 'backorder']),
  fromLocation: z.string().nullable(),
  supplier: z.string().nullable(),
  arrivesAt: z.string().nullable().describe('when the plan expects it at the job'),
  status: z
    .enum(REQUISITION_STATUSES)
    .describe(
      'held: waiting for approval, not yet sent; raised: sent to the ERP; acknowledged/backordered/rejected: the ERP answered; shipped: the warehouse confirmed it (a partial shipment splits the rest off as its own requisition)',
    ),
  releasedAt: z.string().nullable().describe('when it was sent to the ERP'),
  acknowledgedAt: z.string().nullable(),
  erpRef: z.string().nullable().describe('the ERP’s document number for it'),
  expectedAt: z.string().nullable().describe('the ERP’s promised date: what the FSM is told'),
  note: z.string().nullable(),
});
export type Requisition = z.infer<typeof requisitionSchema>;

export const WORK_ORDER_STATUSES = [
  'awaiting_approval',
  'sourced',
  'backordered',
  'rejected',
  'cancelled',
  'completed',
] as const;
export type WorkOrderStatus = (typeof WORK_ORDER_STATUSES)[number];

export const workOrderSchema = z.object({
  id: z.string(),
  externalRef: z.string(),
  sourceSystem: z.string(),
  status: z.enum(WORK_ORDER_STATUSES),
  equipmentModel: z.string().nullable(),
  technicianLevel: z.string().nullable(),
  flowCode: z.string().nullable().describe('the integration flow it arrived through; null for the API'),
  technicianVan: z.string().nullable(),
  jobRegion: z.string(),
  priority: z.number(),
  dueAt: z.string(),
  fsmCreatedAt: z.string(),
  createdAt: z.string(),
  reservedAt: z.string().nullable().describe('when its stock was reserved (null: nothing could be)'),
  latencyMs: z.number().nullable().describe('from fsmCreatedAt to reservedAt (M7.1)'),
  acknowledgedAt: z.string().nullable().describe('when the ERP had acknowledged every requisition sent'),
  completedAt: z.string().nullable(),
  approval: z
    .object({
      level: z.enum(['auto', 'supervisor', 'manager']),
      state: z.enum(['pending', 'approved', 'rejected']),
      value: z.number().nullable(),
      reasons: z.array(z.string()),
      requestedAt: z.string(),
      decidedAt: z.string().nullable(),
      decidedBy: z.string().nullable(),
      decisionReason: z.string().nullable(),
    })
    .nullable(),
  plan: z.array(linePlanSchema),
  requisitions: z.array(requisitionSchema),
});
export type WorkOrder = z.infer<typeof workOrderSchema>;

export const approvalDecisionInputSchema = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reason: z.string().trim().min(1).max(500),
  })
  .strict();

export const requisitionAckInputSchema = z
  .object({
    requisitionId: z.string().trim().min(1).max(80),
    status: z
      .enum(['accepted', 'backordered', 'rejected'])
      .describe('accepted: it will arrive by expectedAt (or as planned); backordered: not before expectedAt'),
    expectedAt: z.iso.datetime().optional().describe('the ERP’s promised date at the job'),
    erpRef: z.string().trim().min(1).max(100).optional(),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
export type RequisitionAckInput = z.infer<typeof requisitionAckInputSchema>;

export const completionInputSchema = z
  .object({
    completedAt: z.iso.datetime().optional(),
    lines: z
      .array(
        z
          .object({
            lineId: z.string().trim().min(1).max(40),
            partNumber: partNumberSchema
              .optional()
              .describe('the part actually used, if not the planned one'),
            usedQuantity: z.number().min(0).describe('in the part’s base unit'),
            serials: z.array(z.string().trim().min(1).max(80)).max(1000).optional(),
          })
          .strict(),
      )
      .max(200)
      .describe('lines not listed used nothing'),
  })
  .strict();
export type CompletionInput = z.infer<typeof completionInputSchema>;
