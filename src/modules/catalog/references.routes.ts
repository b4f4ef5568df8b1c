import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CommandReply, runCommand } from '../../http/command.js';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { problem } from '../../http/problem.js';
import { reader } from '../../kernel/index.js';
import { partNumberSchema } from './catalog.schemas.js';
import {
  addConversionSchema,
  addSubstituteSchema,
  addSupersessionSchema,
  addXrefSchema,
  conflictSchema,
  conversionSchema,
  convertResultSchema,
  convertSchema,
  createSchemeSchema,
  resolutionSchema,
  resolveQuerySchema,
  resolveConflictSchema,
  schemeSchema,
  substituteSchema,
  supersessionSchema,
  xrefSchema,
} from './references.schemas.js';
import {
  addSubstitute,
  addSupersession,
  listSubstitutes,
  removeSupersession,
} from './supersession.service.js';
import { addConversion, convertToBase, listConversions } from './uom.service.js';
import {
  addXref,
  listConflicts,
  listSchemes,
  listXrefs,
  resolveConflict,
  resolveNumber,
  saveScheme,
} from './xrefs.service.js';

const partParams = z.object({ partNumber: partNumberSchema });

export function registerReferenceRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = (request: Parameters<typeof ctxOf>[0]) => reader(deps.store, ctxOf(request));
  const tags = ['master data'];

  r.get(
    '/api/v1/numbering-schemes',
    {
      config: { permission: 'part:read' },
      schema: {
        tags,
        summary: 'Numbering schemes and their normalization rules',
        response: { 200: z.object({ items: z.array(schemeSchema) }) },
      },
    },
    async (request) => ({ items: await listSchemes(deps.store.db, ctxOf(request).tenantId) }),
  );
  r.post(
    '/api/v1/numbering-schemes',
    {
      config: { permission: 'part:write' },
      schema: {
        tags,
        summary: 'Create or redefine a numbering scheme',
        body: createSchemeSchema,
        response: { 201: schemeSchema },
      },
    },
    (request, reply) => runCommand(deps, request, reply, 201, (w) => saveScheme(w, request.body)),
  );

  r.get(
    '/api/v1/parts/resolve',
    {
      config: { permission: 'part:read' },
      schema: {
        tags,
        summary: 'Resolve any number to the canonical part and the part valid now (supersession)',
        description:
          'Without `scheme`, the hub number is tried, then every scheme; a number naming different parts in different schemes answers 409 NUMBER_AMBIGUOUS with the candidates.',
        querystring: resolveQuerySchema,
        response: { 200: resolutionSchema },
      },
    },
    (request) => resolveNumber(read(request), request.query),
  );

  r.post(
    '/api/v1/parts/:partNumber/xrefs',
    {
      config: { permission: 'part:write' },
      schema: {
        tags,
        summary: 'Add a cross-reference (external number) to a part',
        description:
          '201 when added, 200 when the part already carries it, 409 XREF_CONFLICT when it points at another part: the conflict is recorded, nothing is merged.',
        params: partParams,
        body: addXrefSchema,
        response: { 200: xrefSchema, 201: xrefSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 201, async (w) => {
        const outcome = await addXref(w, request.params.partNumber, request.body);
        if (outcome.status === 'created') return outcome.xref;
        if (outcome.status === 'exists') return new CommandReply(200, outcome.xref);
        const c = outcome.conflict;
        return new CommandReply(
          409,
          problem(
            'XREF_CONFLICT',
            `${c.scheme} number '${c.number}' already points at part ${c.existingPartNumber}; the conflict is recorded as ${c.id}`,
            request.url,
            request.id,
            {
              conflictId: c.id,
              scheme: c.scheme,
              number: c.number,
              normalized: c.normalized,
              existingPartNumber: c.existingPartNumber,
              proposedPartNumber: c.proposedPartNumber,
            },
          ),
          'application/problem+json',
        );
      }),
  );
  r.get(
    '/api/v1/parts/:partNumber/xrefs',
    {
      config: { permission: 'part:read' },
      schema: {
        tags,
        summary: 'Cross-references of a part',
        params: partParams,
        response: { 200: z.object({ items: z.array(xrefSchema) }) },
      },
    },
    async (request) => ({ items: await listXrefs(read(request), request.params.partNumber) }),
  );
  r.get(
    '/api/v1/xref-conflicts',
    {
      config: { permission: 'part:read' },
      schema: {
        tags,
        summary: 'Cross-reference conflicts: one number pointing at two parts',
        querystring: z.object({ status: z.enum(['open', 'resolved']).optional() }),
        response: { 200: z.object({ items: z.array(conflictSchema) }) },
      },
    },
    async (request) => ({ items: await listConflicts(read(request), request.query.status) }),
  );
  r.post(
    '/api/v1/xref-conflicts/:id/resolve',
    {
      config: { permission: 'masterdata:approve' },
      schema: {
        tags,
        summary: 'Settle a conflict: keep the number on its part, or move it to the proposed part (audited)',
        params: z.object({ id: z.string() }),
        body: resolveConflictSchema,
        response: { 200: conflictSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) => resolveConflict(w, request.params.id, request.body)),
  );

  r.post(
    '/api/v1/parts/:partNumber/supersessions',
    {
      config: { permission: 'part:write' },
      schema: {
        tags,
        summary: 'Supersede a part by a successor (cycles and forks are refused)',
        params: partParams,
        body: addSupersessionSchema,
        response: { 201: supersessionSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 201, (w) =>
        addSupersession(w, request.params.partNumber, request.body),
      ),
  );
  r.delete(
    '/api/v1/parts/:partNumber/supersession',
    {
      config: { permission: 'part:write' },
      schema: {
        tags,
        summary: 'Remove the supersession of a part',
        params: partParams,
        querystring: z.object({ reason: z.string().trim().min(1).max(300) }),
        response: { 200: supersessionSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        removeSupersession(w, request.params.partNumber, request.query.reason),
      ),
  );
  r.post(
    '/api/v1/parts/:partNumber/substitutes',
    {
      config: { permission: 'part:write' },
      schema: {
        tags,
        summary: 'Add or change a substitute for a part',
        params: partParams,
        body: addSubstituteSchema,
        response: { 201: substituteSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 201, (w) => addSubstitute(w, request.params.partNumber, request.body)),
  );
  r.get(
    '/api/v1/parts/:partNumber/substitutes',
    {
      config: { permission: 'part:read' },
      schema: {
        tags,
        summary: 'Substitutes in preference order (only those valid for `model` when given)',
        params: partParams,
        querystring: z.object({ model: z.string().optional() }),
        response: { 200: z.object({ items: z.array(substituteSchema) }) },
      },
    },
    async (request) => ({
      items: await listSubstitutes(read(request), request.params.partNumber, request.query.model),
    }),
  );

  r.get(
    '/api/v1/uom/conversions',
    {
      config: { permission: 'part:read' },
      schema: {
        tags,
        summary: 'Unit conversions: built-in, global and part-specific',
        querystring: z.object({ partNumber: partNumberSchema.optional() }),
        response: { 200: z.object({ items: z.array(conversionSchema) }) },
      },
    },
    async (request) => ({ items: await listConversions(read(request), request.query.partNumber) }),
  );
  r.post(
    '/api/v1/uom/conversions',
    {
      config: { permission: 'part:write' },
      schema: {
        tags,
        summary: 'Add a global or part-specific conversion (exact: numerator/denominator)',
        body: addConversionSchema,
        response: { 201: conversionSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 201, async (w) => ({ ...(await addConversion(w, request.body)) })),
  );
  r.post(
    '/api/v1/uom/convert',
    {
      config: { permission: 'part:read' },
      schema: {
        tags,
        summary: 'Convert a quantity in any unit to the part base unit',
        body: convertSchema,
        response: { 200: convertResultSchema },
      },
    },
    (request) => convertToBase(read(request), request.body),
  );
}
