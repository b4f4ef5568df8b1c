import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runCommand } from '../../http/command.js';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { reader } from '../../kernel/index.js';
import { MAX_VERSION } from '../../platform/limits.js';
import { partNumberSchema } from '../catalog/index.js';
import {
  breakKitInputSchema,
  breakKitResultSchema,
  buildKitInputSchema,
  buildKitResultSchema,
  issueKitInputSchema,
  issueKitResultSchema,
  kitDefinitionInputSchema,
  kitDefinitionSchema,
  kitUnitQuerySchema,
  kitUnitSchema,
  type BuildKitInput,
} from './kits.schemas.js';
import {
  breakKit,
  buildKit,
  getKitDefinition,
  getKitUnit,
  issueKitUnit,
  listKitDefinitions,
  listKitUnits,
  putKitDefinition,
} from './kits.service.js';

/** Kits (M4.6): bills of parts, kit units built from stock, traced by serial, broken back. */
export function registerKitRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const read = (request: Parameters<typeof ctxOf>[0]) => reader(deps.store, ctxOf(request));
  const tags = ['kits'];
  const kitParams = z.object({ kitPartNumber: partNumberSchema });
  const unitParams = z.object({ id: z.string().max(80) });

  r.put(
    '/api/v1/kits/:kitPartNumber',
    {
      config: { permission: 'kit:write' },
      schema: {
        tags,
        summary: 'Define or redefine a kit: its bill of parts',
        description:
          'The kit part must be serial-tracked (each kit unit is told apart by its serial) and not classified as anything but a kit; kits do not nest. A changed bill makes a new version; the same bill again changes nothing. Units already built keep what they hold.',
        params: kitParams,
        body: kitDefinitionInputSchema,
        response: { 200: kitDefinitionSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) =>
        putKitDefinition(w, request.params.kitPartNumber, request.body),
      ),
  );
  r.get(
    '/api/v1/kits',
    {
      config: { permission: 'kit:read' },
      schema: {
        tags,
        summary: 'Kit definitions (current versions), by kit part number',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: { 200: z.object({ items: z.array(kitDefinitionSchema) }) },
      },
    },
    async (request) => ({ items: await listKitDefinitions(read(request), request.query) }),
  );
  r.get(
    '/api/v1/kits/:kitPartNumber',
    {
      config: { permission: 'kit:read' },
      schema: {
        tags,
        summary: 'A kit’s bill of parts: the current version, or an earlier one',
        params: kitParams,
        querystring: z.object({ version: z.coerce.number().int().min(1).max(MAX_VERSION).optional() }),
        response: { 200: kitDefinitionSchema },
      },
    },
    (request) => getKitDefinition(read(request), request.params.kitPartNumber, request.query.version),
  );
  r.post(
    '/api/v1/kits/:kitPartNumber/build',
    {
      config: {
        permission: 'kit:write',
        refinePermission: (request) =>
          (request.body as BuildKitInput | undefined)?.reserve ? 'reservation:create' : undefined,
      },
      schema: {
        tags,
        summary: 'Build one kit unit at a location from the stock there',
        description:
          'Issues every component from free (unreserved) stock at the location and receives one serial of the kit part there, in one step; the kit unit records each serial and lot it took. Short of any component, nothing changes and `KIT_COMPONENTS_SHORT` lists what is missing. Then reserve, pick and ship the kit part like any part.',
        params: kitParams,
        body: buildKitInputSchema,
        response: { 201: buildKitResultSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 201, (w) => buildKit(w, request.params.kitPartNumber, request.body)),
  );
  r.get(
    '/api/v1/kit-units',
    {
      config: { permission: 'kit:read' },
      schema: {
        tags,
        summary: 'Kit units, newest first: which kit unit holds serial X, what is in stock where',
        querystring: kitUnitQuerySchema,
        response: { 200: z.object({ items: z.array(kitUnitSchema) }) },
      },
    },
    async (request) => ({ items: await listKitUnits(read(request), request.query) }),
  );
  r.get(
    '/api/v1/kit-units/:id',
    {
      config: { permission: 'kit:read' },
      schema: {
        tags,
        summary: 'A kit unit: what it holds, where it is, and every ledger line of its serial',
        params: unitParams,
        response: { 200: kitUnitSchema },
      },
    },
    (request) => getKitUnit(read(request), request.params.id),
  );
  r.post(
    '/api/v1/kit-units/:id/break',
    {
      config: { permission: 'kit:write' },
      schema: {
        tags,
        summary: 'Break a kit unit: its items go back into stock where it is',
        description:
          'Issues the kit’s serial and receives each item (with its serial or lot) at the kit’s location, in the kit’s stock status. Refused while the kit unit is reserved (`KIT_UNIT_RESERVED`: every kit unit of the part at that location is held by reservations) or not in stock.',
        params: unitParams,
        body: breakKitInputSchema,
        response: { 200: breakKitResultSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) => breakKit(w, request.params.id, request.body)),
  );
  r.post(
    '/api/v1/kit-units/:id/issue',
    {
      // Shipping or consuming a kit is a stock issue like any other.
      config: { permission: 'stock:move' },
      schema: {
        tags,
        summary: 'Issue (ship or consume) a kit unit, optionally against a reservation of the kit part',
        description:
          'One ledger line for the kit’s serial where it is, and an `inventory.kit_issued` event listing every item it carries. Issuing the kit’s serial through `POST /api/v1/stock/movements` is equally traced.',
        params: unitParams,
        body: issueKitInputSchema,
        response: { 200: issueKitResultSchema },
      },
    },
    (request, reply) =>
      runCommand(deps, request, reply, 200, (w) => issueKitUnit(w, request.params.id, request.body)),
  );
}
