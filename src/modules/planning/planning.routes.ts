import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { runCommand } from '../../http/command.js';
import { ctxOf, type HttpDeps } from '../../http/context.js';
import { reader } from '../../kernel/index.js';
import {
  demandHistory,
  demandHistorySchema,
  demandRowsFromCsv,
  importDemandHistory,
} from './demand/demand.service.js';
import { forecastPart, forecastPicture, partForecastSchema } from './demand/part-forecast.service.js';
import { GRANULARITIES } from './demand/periods.js';
import {
  createOverride,
  listOverrides,
  overrideInputSchema,
  planningOverrideSchema,
} from './demand/overrides.service.js';
import { forecastRunInputSchema, forecastRunSchema, runForecasts } from './demand/forecast-run.service.js';
import {
  planningRunAllSchema,
  planningRunInputSchema,
  planningRunSchema,
  runPlanning,
} from './demand/planning-run.service.js';
import {
  createRetirement,
  equipmentRetirementSchema,
  listRetirements,
  retirementInputSchema,
} from './demand/retirements.service.js';
import {
  learnedLeadTimes,
  learnedLeadTimesSchema,
  leadTimeQuerySchema,
} from './lead-times/lead-times.service.js';

const forecastQuerySchema = z.object({
  partNumber: z.string().max(80),
  locationCode: z.string().max(60).optional().describe('absent: every location together'),
  granularity: z.enum(GRANULARITIES).default('month'),
  horizon: z.coerce.number().int().min(1).max(104).default(12),
  leadTime: z.coerce.number().positive().max(104).default(1).describe('replenishment lead time in periods'),
});

/** Planning (issue 6): demand history per part × location, and its import. */
export function registerPlanningRoutes(app: FastifyInstance, deps: HttpDeps): void {
  void app.register((scope, _options, done) => {
    // Only in this scope: a CSV body arrives as text and is read into rows here.
    scope.addContentTypeParser(
      ['text/csv', 'application/csv'],
      { parseAs: 'string' },
      (_request, body, next) => next(null, body),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const tags = ['planning'];
    r.get(
      '/api/v1/planning/demand',
      {
        config: { permission: 'planning:read' },
        schema: {
          tags,
          summary:
            'Demand history of a part per month or week: issued by the hub, imported, and inherited along supersession',
          querystring: z.object({
            partNumber: z.string().max(80),
            locationCode: z.string().max(60).optional().describe('absent: every location together'),
            granularity: z.enum(GRANULARITIES).default('month'),
            from: z.iso.datetime().optional(),
            to: z.iso.datetime().optional(),
          }),
          response: { 200: demandHistorySchema },
        },
      },
      async (request) => demandHistory(reader(deps.store, ctxOf(request)), request.query),
    );
    r.get(
      '/api/v1/planning/forecast',
      {
        config: { permission: 'planning:read' },
        schema: {
          tags,
          summary:
            'A part’s forecast from its demand history, with the method its demand class chose and the stocking levels its service target needs',
          querystring: forecastQuerySchema,
          response: { 200: partForecastSchema },
        },
      },
      async (request) => forecastPart(reader(deps.store, ctxOf(request)), request.query),
    );
    r.get(
      '/api/v1/planning/forecast.svg',
      {
        config: { permission: 'planning:read' },
        schema: {
          tags,
          summary: 'The same as a picture: the demand history and the forecast after it (SVG)',
          querystring: forecastQuerySchema,
        },
      },
      async (request, reply) =>
        reply
          .type('image/svg+xml; charset=utf-8')
          .send(forecastPicture(await forecastPart(reader(deps.store, ctxOf(request)), request.query))),
    );
    r.post(
      '/api/v1/planning/forecast-runs',
      {
        // It changes nothing: reading planning data is all it needs (a POST for the lists it takes).
        config: { permission: 'planning:read' },
        schema: {
          tags,
          summary: 'Forecast every part × location with demand history at once (or those named)',
          description:
            'Per pair: the method its demand class chose, the class, the forecast per period over the horizon (overrides and equipment retirements applied, the statistical figures beside), the stocking levels at the given lead time, and the reasons. Changes nothing. `sparehub forecast run` prints it.',
          body: forecastRunInputSchema,
          response: { 200: forecastRunSchema },
        },
      },
      async (request) => runForecasts(reader(deps.store, ctxOf(request)), request.body),
    );
    r.post(
      '/api/v1/planning/runs',
      {
        config: { permission: 'planning:write' },
        schema: {
          tags,
          summary:
            'Plan a stocking location, or every one with demand: forecast each part, set its buffer from its stocking levels, raise what is short now',
          description:
            'For every part with demand at the location (or those named): the forecast from its history, the stocking levels its service target needs, and a buffer of safety stock after the forecast demand over the lead time, refilled to the order-up-to level. Setting the buffer checks it at once: where on hand + on order − reserved − forecast demand is already below the reorder point, a transfer or purchase is raised through the outbox (`inventory.replenishment_raised`) with the reasons. Without `leadTime`, each part is planned with the lead time learned from its supplier’s receipts (or the repair vendor’s cycles), its spread raising the safety stock, else the configured one; each line says which. Without `locationCode`, every stocking location with demand is planned in the same unit of work and the answer is `{runs, raised, skipped}`.',
          body: planningRunInputSchema,
          response: {
            201: z
              .union([planningRunSchema, planningRunAllSchema])
              .describe('with `locationCode`: that location’s run; without: `{runs, raised, skipped}`'),
          },
        },
      },
      (request, reply) => runCommand(deps, request, reply, 201, (w) => runPlanning(w, request.body)),
    );
    r.get(
      '/api/v1/planning/lead-times',
      {
        config: { permission: 'planning:read' },
        schema: {
          tags,
          summary:
            'Lead times learned from actual receipts per supplier and repair cycles per repair vendor, with their spread',
          description:
            'Per party, and per party × part where the part has at least 5 observations: count, mean, standard deviation, p50 and p90 in days, with the reasons (how many, between which dates, outliers left out). A supplier’s lead time runs from a purchase replenishment being raised to the receipt that completed it; a repair vendor’s from a part arriving at the repair vendor location to its transfer back. Planning runs without a `leadTime` use these (docs/planning.md).',
          querystring: leadTimeQuerySchema,
          response: { 200: learnedLeadTimesSchema },
        },
      },
      async (request) => learnedLeadTimes(reader(deps.store, ctxOf(request)), request.query),
    );
    r.post(
      '/api/v1/planning/overrides',
      {
        config: { permission: 'planning:write' },
        schema: {
          tags,
          summary: 'Override a part’s forecast or safety stock for a period, with a reason (audited)',
          description:
            'At one location or everywhere (a location’s own override wins, then the newest). `GET /api/v1/planning/forecast` applies it and shows the statistical value beside it; planning runs use it.',
          body: overrideInputSchema,
          response: { 201: planningOverrideSchema },
        },
      },
      (request, reply) => runCommand(deps, request, reply, 201, (w) => createOverride(w, request.body)),
    );
    r.get(
      '/api/v1/planning/overrides',
      {
        config: { permission: 'planning:read' },
        schema: {
          tags,
          summary: 'Overrides, newest first',
          querystring: z.object({ partNumber: z.string().max(80).optional() }),
          response: { 200: z.object({ items: z.array(planningOverrideSchema).describe('at most 1000') }) },
        },
      },
      async (request) => ({ items: await listOverrides(reader(deps.store, ctxOf(request)), request.query) }),
    );
    r.post(
      '/api/v1/planning/equipment-retirements',
      {
        config: { permission: 'planning:write' },
        schema: {
          tags,
          summary: 'Schedule the retirement of an equipment model, with a reason (audited)',
          description:
            'From `phaseDownFrom` (optional) the model’s installed base shrinks linearly until `retireOn`, when it is out of service. A part’s forecast is scaled per period by the share of its recent work order consumption that came from models still in service then (consumption without a model is unaffected), and its stocking by the share over the lead time. The newest schedule of a model replaces earlier ones (to postpone a retirement, schedule it again).',
          body: retirementInputSchema,
          response: { 201: equipmentRetirementSchema },
        },
      },
      (request, reply) => runCommand(deps, request, reply, 201, (w) => createRetirement(w, request.body)),
    );
    r.get(
      '/api/v1/planning/equipment-retirements',
      {
        config: { permission: 'planning:read' },
        schema: {
          tags,
          summary: 'Retirement schedules of equipment models, newest first',
          querystring: z.object({ equipmentModel: z.string().max(100).optional() }),
          response: {
            200: z.object({ items: z.array(equipmentRetirementSchema).describe('at most 1000') }),
          },
        },
      },
      async (request) => ({
        items: await listRetirements(reader(deps.store, ctxOf(request)), request.query),
      }),
    );
    r.post(
      '/api/v1/planning/demand-history',
      {
        config: { permission: 'planning:write' },
        schema: {
          tags,
          summary: 'Import demand history: a CSV (partNumber,locationCode,period,quantity) or JSON rows',
          description:
            'With `Content-Type: text/csv` the granularity and source come from the query (`?granularity=month&source=ERP`). A month is `YYYY-MM`, a week any of its dates. One bad row refuses the whole import with `DEMAND_HISTORY_INVALID`, naming every bad row; a row for a period already imported replaces it.',
          querystring: z.object({
            granularity: z.enum(GRANULARITIES).optional(),
            source: z.string().max(60).optional(),
          }),
          body: z.union([z.string(), z.object({}).loose()]),
          response: {
            201: z.object({
              granularity: z.string(),
              source: z.string(),
              rows: z.number(),
              parts: z.number(),
            }),
          },
        },
      },
      (request, reply) =>
        runCommand(deps, request, reply, 201, (w) =>
          importDemandHistory(
            w,
            typeof request.body === 'string'
              ? {
                  granularity: request.query.granularity ?? 'month',
                  source: request.query.source ?? 'csv',
                  rows: demandRowsFromCsv(request.body),
                }
              : request.body,
          ),
        ),
    );
    done();
  });
}
