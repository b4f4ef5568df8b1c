import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runCommand } from '../../http/command.js';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { reader } from '../../kernel/index.js';
import { approvalPolicySchema } from './approvals.js';
import {
  approvalDelays,
  decideWorkOrderApproval,
  getApprovalPolicy,
  listApprovals,
  putApprovalPolicy,
} from './approvals.service.js';
import { completeWorkOrder, listConsumption } from './completion.service.js';
import {
  approvalDecisionInputSchema,
  completionInputSchema,
  requisitionAckInputSchema,
  requisitionSchema,
  WORK_ORDER_STATUSES,
  workOrderInputSchema,
  workOrderSchema,
} from './fulfillment.schemas.js';
import { workOrderLatency } from './latency.service.js';
import { leadTimePolicySchema } from './lead-times.js';
import { getFulfillmentPolicy, putFulfillmentPolicy } from './policies.js';
import { acknowledgeRequisition } from './requisitions.service.js';
import { cancelWorkOrder, getWorkOrder, listWorkOrders, receiveWorkOrder } from './work-orders.service.js';

const externalRefParams = z.object({ externalRef: z.string().max(100) });
const latencyFiguresSchema = z.object({
  count: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});
const leadTimeDocumentSchema = z.object({
  version: z.number(),
  body: leadTimePolicySchema,
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});
const approvalPolicyDocumentSchema = z.object({
  version: z.number(),
  body: approvalPolicySchema,
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
});

/** Work orders (issue 5): sourced on arrival, their stock reserved, requisitions raised. */
export function registerFulfillmentRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['fulfillment'];
  r.post(
    '/api/v1/work-orders',
    {
      config: { permission: 'workorder:create' },
      schema: {
        tags,
        summary: 'Receive a work order: source its parts, reserve them, raise requisitions',
        description:
          'The technician’s van first, then forward stocking locations, regional warehouses, the central DC, then a purchase (docs/decisions/0012). Stock is reserved where the plan takes it; whatever must move, be bought or wait becomes a requisition, sent to subscribed flows as `fulfillment.requisition_raised`. A work order number already received answers with the work order as it is.',
        body: workOrderInputSchema,
        response: { 201: workOrderSchema },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 201, (w) => receiveWorkOrder(w, request.body)),
  );
  r.post(
    '/api/v1/work-orders/:externalRef/cancel',
    {
      config: { permission: 'workorder:create' },
      schema: {
        tags,
        summary: 'Cancel a work order: release its reservations, cancel its requisitions',
        description:
          'Open reservations of its lines are released and raised requisitions cancelled (each sent as `fulfillment.requisition_cancelled`). Cancelling twice changes nothing.',
        params: externalRefParams,
        body: z.object({ reason: z.string().trim().min(1).max(500) }).strict(),
        response: { 200: workOrderSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        cancelWorkOrder(w, request.params.externalRef, request.body.reason),
      ),
  );
  r.get(
    '/api/v1/work-orders',
    {
      config: { permission: 'workorder:read' },
      schema: {
        tags,
        summary: 'Work orders, newest first, with their plans and requisitions',
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(50),
          status: z.enum(WORK_ORDER_STATUSES).optional(),
          beforeId: z.string().max(80).optional().describe('the next page: work orders older than this id'),
        }),
        response: { 200: z.object({ items: z.array(workOrderSchema) }) },
      },
    },
    async (request) => ({ items: await listWorkOrders(reader(deps.store, ctxOf(request)), request.query) }),
  );
  r.get(
    '/api/v1/work-orders/:externalRef',
    {
      config: { permission: 'workorder:read' },
      schema: {
        tags,
        summary: 'A work order with its sourcing plan, reasons and requisitions',
        params: externalRefParams,
        response: { 200: workOrderSchema },
      },
    },
    async (request) => getWorkOrder(reader(deps.store, ctxOf(request)), request.params.externalRef),
  );
  r.post(
    '/api/v1/work-orders/:externalRef/approval',
    {
      config: { permission: 'workorder:approve' },
      schema: {
        tags,
        summary: 'Approve or reject a work order waiting for approval',
        description:
          'A supervisor-level approval needs `workorder:approve`, a manager-level one `workorder:approve_manager` (docs/decisions/0017). Approval sends the held requisitions to the ERP; rejection releases the reservations and cancels the requisitions unsent.',
        params: externalRefParams,
        body: approvalDecisionInputSchema,
        response: { 200: workOrderSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        decideWorkOrderApproval(w, request.params.externalRef, request.body),
      ),
  );
  r.post(
    '/api/v1/work-orders/:externalRef/complete',
    {
      config: { permission: 'workorder:complete' },
      schema: {
        tags,
        summary: 'Complete a work order with the parts each line really used',
        description:
          'Used parts are issued against the line’s reservations (the van first); reserved parts not used are released where they are; requisitions still open are cancelled. Estimated against used is kept as demand history. Completing twice changes nothing.',
        params: externalRefParams,
        body: completionInputSchema,
        response: { 200: workOrderSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        completeWorkOrder(w, request.params.externalRef, request.body),
      ),
  );
  r.post(
    '/api/v1/requisitions/acknowledgements',
    {
      config: { permission: 'workorder:create' },
      schema: {
        tags,
        summary: 'Record the ERP’s answer to a requisition (accepted, backordered, rejected)',
        description:
          'The promised date is pushed to the FSM as `fulfillment.expected_availability`. Integration flows do the same with the `requisition.acknowledge` command.',
        body: requisitionAckInputSchema,
        response: { 200: requisitionSchema },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 200, (w) => acknowledgeRequisition(w, request.body)),
  );
  r.get(
    '/api/v1/approvals',
    {
      config: { permission: 'workorder:read' },
      schema: {
        tags,
        summary: 'Approvals that needed a person, oldest request first',
        querystring: z.object({
          state: z.enum(['pending', 'approved', 'rejected']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                workOrder: z.string(),
                level: z.string(),
                state: z.string(),
                value: z.number().nullable(),
                reasons: z.array(z.string()),
                requestedAt: z.string(),
                decidedAt: z.string().nullable(),
                decidedBy: z.string().nullable(),
                decisionReason: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await listApprovals(reader(deps.store, ctxOf(request)), request.query) }),
  );
  r.get(
    '/api/v1/approvals/delays',
    {
      config: { permission: 'workorder:read' },
      schema: {
        tags,
        summary: 'How long approvals take, per level (p50, p95, max) and what is still pending',
        querystring: z.object({ since: z.iso.datetime().optional() }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                level: z.string(),
                decided: z.number(),
                pending: z.number(),
                oldestPendingMs: z.number().nullable(),
                p50Ms: z.number().nullable(),
                p95Ms: z.number().nullable(),
                maxMs: z.number().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await approvalDelays(reader(deps.store, ctxOf(request)), request.query) }),
  );
  r.get(
    '/api/v1/approval-policy',
    {
      config: { permission: 'policy:read' },
      schema: {
        tags,
        summary: 'The work order approval rules (thresholds by technician level and job priority)',
        response: { 200: approvalPolicyDocumentSchema },
      },
    },
    async (request) => getApprovalPolicy(reader(deps.store, ctxOf(request))),
  );
  r.put(
    '/api/v1/approval-policy',
    {
      config: { permission: 'policy:write' },
      schema: {
        tags,
        summary: 'Replace the approval rules; expectedVersion guards against a concurrent edit',
        body: z.object({ body: z.unknown(), expectedVersion: z.number().int().min(0).optional() }).strict(),
        response: { 200: approvalPolicyDocumentSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        putApprovalPolicy(w, request.body.body, request.body.expectedVersion),
      ),
  );
  r.get(
    '/api/v1/lead-times',
    {
      config: { permission: 'policy:read' },
      schema: {
        tags,
        summary:
          'Lead times the sourcing plans with: by location type and region, lanes, supplier times per part',
        response: { 200: leadTimeDocumentSchema },
      },
    },
    async (request) => getFulfillmentPolicy(reader(deps.store, ctxOf(request)), 'lead-times'),
  );
  r.put(
    '/api/v1/lead-times',
    {
      config: { permission: 'policy:write' },
      schema: {
        tags,
        summary: 'Replace the lead times; expectedVersion guards against a concurrent edit',
        description:
          'A lane for a location and the job’s region wins over a lane for the location to any region, which wins over the location type’s default. Work orders received afterwards are planned with the new times.',
        body: z.object({ body: z.unknown(), expectedVersion: z.number().int().min(0).optional() }).strict(),
        response: { 200: leadTimeDocumentSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        putFulfillmentPolicy(w, 'lead-times', request.body.body, request.body.expectedVersion),
      ),
  );
  r.get(
    '/api/v1/fulfillment/latency',
    {
      config: { permission: 'workorder:read' },
      schema: {
        tags,
        summary:
          'Work order latency per day and flow: FSM creation to reserved, and to acknowledged by the ERP',
        querystring: z.object({
          from: z.iso.datetime().optional(),
          to: z.iso.datetime().optional(),
          flow: z.string().max(100).optional().describe('a flow code, or `api`'),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                day: z.string(),
                flow: z.string(),
                workOrders: z.number(),
                toReserved: latencyFiguresSchema,
                toAcknowledged: latencyFiguresSchema,
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await workOrderLatency(reader(deps.store, ctxOf(request)), request.query) }),
  );
  r.get(
    '/api/v1/fulfillment/consumption',
    {
      config: { permission: 'workorder:read' },
      schema: {
        tags,
        summary: 'Parts used per completed work order line, estimated against actual: the demand history',
        querystring: z.object({
          partNumber: z.string().max(80).optional(),
          from: z.iso.datetime().optional(),
          to: z.iso.datetime().optional(),
          limit: z.coerce.number().int().min(1).max(10_000).default(1000),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                workOrder: z.string(),
                lineId: z.string(),
                partNumber: z.string(),
                locationCode: z.string().nullable(),
                estimated: z.number(),
                used: z.number(),
                returned: z.number(),
                consumedAt: z.string(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await listConsumption(reader(deps.store, ctxOf(request)), request.query) }),
  );
}
