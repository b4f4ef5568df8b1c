import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runCommand } from '../../http/command.js';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { reader } from '../../kernel/index.js';
import { partNumberSchema } from './catalog.schemas.js';
import {
  attributeViewSchema,
  changeRequestSchema,
  freezeWindowSchema,
  ownershipRuleSchema,
  proposeChangeSchema,
  taxonomySchema,
  updateAttributesSchema,
  updateOutcomeSchema,
} from './governance.schemas.js';
import {
  createFreezeWindow,
  decideChange,
  listChangeRequests,
  listFreezeWindows,
  listOwnershipRules,
  listTaxonomies,
  partAttributes,
  proposeChange,
  putOwnershipRule,
  putTaxonomy,
  updatePartAttributes,
} from './governance.service.js';

const tags = ['master data'];
const decisionBody = z
  .object({ note: z.string().trim().max(500).optional() })
  .strict()
  .default({});
const freezeWindowView = z.object({
  id: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  reason: z.string(),
  createdBy: z.string(),
});

export function registerGovernanceRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = (request: Parameters<typeof ctxOf>[0]) => reader(deps.store, ctxOf(request));

  r.patch(
    '/api/v1/parts/:partNumber',
    {
      config: { permission: 'part:write' },
      schema: {
        tags,
        summary: 'Update part attributes from a source system',
        description:
          'Values from the owning system apply (survivorship: owner first, else most recent); values from other systems, or during a freeze window, become one change request.',
        params: z.object({ partNumber: partNumberSchema }),
        body: updateAttributesSchema,
        response: { 200: updateOutcomeSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        updatePartAttributes(w, request.params.partNumber, request.body),
      ),
  );
  r.get(
    '/api/v1/parts/:partNumber/attributes',
    {
      config: { permission: 'part:read' },
      schema: {
        tags,
        summary:
          'The golden record: each attribute, the source it came from, why it survived, and every source’s value',
        params: z.object({ partNumber: partNumberSchema }),
        response: { 200: z.object({ partNumber: z.string(), attributes: z.array(attributeViewSchema) }) },
      },
    },
    (request) => partAttributes(read(request), request.params.partNumber),
  );

  r.get(
    '/api/v1/ownership-rules',
    {
      config: { permission: 'policy:read' },
      schema: {
        tags,
        summary: 'Which system owns which part attribute',
        response: { 200: z.object({ items: z.array(ownershipRuleSchema) }) },
      },
    },
    async (request) => ({ items: await listOwnershipRules(deps.store.db, ctxOf(request).tenantId) }),
  );
  r.put(
    '/api/v1/ownership-rules',
    {
      config: { permission: 'policy:write' },
      schema: {
        tags,
        summary: 'Set the owning system of a part attribute',
        body: ownershipRuleSchema,
        response: { 200: ownershipRuleSchema },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 200, (w) => putOwnershipRule(w, request.body)),
  );
  r.get(
    '/api/v1/taxonomies',
    {
      config: { permission: 'part:read' },
      schema: {
        tags,
        summary: 'Classification taxonomies (item type, criticality, billing, …)',
        response: { 200: z.object({ items: z.array(taxonomySchema) }) },
      },
    },
    async (request) => ({ items: await listTaxonomies(deps.store.db, ctxOf(request).tenantId) }),
  );
  r.put(
    '/api/v1/taxonomies/:code',
    {
      config: { permission: 'policy:write' },
      schema: {
        tags,
        summary: 'Add or redefine a taxonomy',
        params: z.object({ code: z.string() }),
        body: taxonomySchema.omit({ code: true }),
        response: { 200: taxonomySchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        putTaxonomy(w, { ...request.body, code: request.params.code }),
      ),
  );

  r.post(
    '/api/v1/change-requests',
    {
      config: { permission: 'masterdata:propose' },
      schema: {
        tags,
        summary: 'Propose a master-data change',
        body: proposeChangeSchema,
        response: { 201: changeRequestSchema },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 201, (w) => proposeChange(w, request.body)),
  );
  r.get(
    '/api/v1/change-requests',
    {
      config: { permission: 'part:read' },
      schema: {
        tags,
        summary: 'Change requests, newest first',
        querystring: z.object({ status: z.enum(['proposed', 'approved', 'rejected', 'applied']).optional() }),
        response: { 200: z.object({ items: z.array(changeRequestSchema) }) },
      },
    },
    async (request) => ({ items: await listChangeRequests(read(request), request.query.status) }),
  );
  for (const decision of ['approve', 'reject'] as const) {
    r.post(
      `/api/v1/change-requests/:id/${decision}`,
      {
        config: { permission: 'masterdata:approve' },
        schema: {
          tags,
          summary:
            decision === 'approve'
              ? 'Approve a change request (applies now when effective and not frozen)'
              : 'Reject a change request',
          params: z.object({ id: z.string() }),
          body: decisionBody,
          response: { 200: z.object({ changeRequest: changeRequestSchema, reason: z.string() }) },
        },
      },
      (request, reply) =>
        runCommand(deps, request, reply, 200, (w) =>
          decideChange(w, request.params.id, decision, request.body?.note),
        ),
    );
  }
  r.post(
    '/api/v1/freeze-windows',
    {
      config: { permission: 'masterdata:approve' },
      schema: {
        tags,
        summary: 'Freeze master data for a period (only emergency changes pass)',
        body: freezeWindowSchema,
        response: { 201: freezeWindowView },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 201, (w) => createFreezeWindow(w, request.body)),
  );
  r.get(
    '/api/v1/freeze-windows',
    {
      config: { permission: 'part:read' },
      schema: {
        tags,
        summary: 'Freeze windows',
        response: { 200: z.object({ items: z.array(freezeWindowView) }) },
      },
    },
    async (request) => ({ items: await listFreezeWindows(read(request)) }),
  );
}
