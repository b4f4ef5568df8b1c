import { PassThrough, type Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ctxOf, type HttpDeps } from '../../../http/context.js';
import { reader } from '../../../kernel/index.js';
import { AppError, isAppError } from '../../../platform/errors.js';
import { IMPORT_KINDS } from './import.service.js';
import {
  IMPORT_JOB_STATES,
  listImportJobs,
  requireImportJob,
  runImportJob,
  writeImportRejects,
  type ImportJob,
} from './jobs.service.js';

const jobSchema = z.object({
  id: z.string(),
  kind: z.enum(IMPORT_KINDS),
  state: z.enum(IMPORT_JOB_STATES),
  fileName: z.string().nullable(),
  mapping: z.string().nullable(),
  bytesRead: z.number(),
  rows: z.number(),
  created: z.number(),
  unchanged: z.number(),
  rejected: z.number(),
  conflicts: z.number(),
  batches: z.number(),
  error: z.object({ code: z.string(), detail: z.string() }).nullable(),
  createdBy: z.string(),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});

export interface ImportRouteOptions {
  /** Largest CSV upload accepted, in bytes (SPAREHUB_IMPORT_LIMIT). */
  maxBytes: number;
}

/**
 * CSV uploads over HTTP, the same import as `sparehub import`: the request body is streamed
 * into the importer as it arrives (never buffered whole), progress is on the job, and with
 * `Accept: application/x-ndjson` the response itself streams one progress line per batch.
 */
export function registerImportRoutes(
  app: FastifyInstance,
  deps: HttpDeps,
  options: ImportRouteOptions,
): void {
  void app.register((scope, _options, done) => {
    // Only in this scope: a CSV body reaches the handler as the raw stream.
    scope.addContentTypeParser(['text/csv', 'application/csv'], (_request, payload, done) =>
      done(null, payload),
    );
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const tags = ['master data'];

    r.post(
      '/api/v1/imports/:kind',
      {
        config: { permission: 'part:write' },
        schema: {
          tags,
          summary: 'Import parts or cross-references from an uploaded CSV file (streamed)',
          description:
            'Body: the CSV file with a header row, `Content-Type: text/csv`. Good rows land in batches; bad rows are kept with the job (GET …/rejects). Answers 201 with the finished job, or streams progress as NDJSON when asked with `Accept: application/x-ndjson` (last line: the finished job, or an error).',
          params: z.object({ kind: z.enum(IMPORT_KINDS) }),
          querystring: z.object({
            map: z
              .string()
              .max(2000)
              .optional()
              .describe('column mapping, e.g. partNumber=Material,description=Text'),
            fileName: z.string().max(200).optional(),
            batch: z.coerce.number().int().min(1).max(10_000).optional(),
          }),
          response: { 201: z.object({ job: jobSchema }) },
        },
      },
      async (request, reply) => {
        const body: unknown = request.body;
        if (!isReadable(body)) {
          throw new AppError(
            'UNSUPPORTED_MEDIA_TYPE',
            'Send the file as the body with Content-Type: text/csv',
          );
        }
        const ctx = ctxOf(request);
        const run = (onProgress?: (job: ImportJob) => void) =>
          runImportJob(deps.store, ctx, body, {
            kind: request.params.kind,
            mapping: request.query.map,
            fileName: request.query.fileName,
            batchSize: request.query.batch,
            maxBytes: options.maxBytes,
            ...(onProgress ? { onProgress } : {}),
          });
        const accept = request.headers.accept ?? '';
        if (!accept.includes('application/x-ndjson')) {
          const job = await run();
          return reply.code(201).send({ job });
        }
        const out = new PassThrough();
        // A stream, not the 201 body the schema describes for the plain answer.
        void (reply as unknown as FastifyReply).code(200).type('application/x-ndjson').send(out);
        const line = (value: unknown) => out.write(`${JSON.stringify(value)}\n`);
        try {
          const job = await run((progress) => line({ type: 'progress', job: progress }));
          line({ type: 'done', job });
        } catch (error) {
          const code = isAppError(error) ? error.code : 'INTERNAL_ERROR';
          line({ type: 'error', code, detail: (error as Error).message });
        }
        out.end();
        return reply;
      },
    );

    r.get(
      '/api/v1/imports',
      {
        config: { permission: 'part:read' },
        schema: {
          tags,
          summary: 'Import jobs, newest first, with their progress',
          querystring: z.object({
            state: z.enum(IMPORT_JOB_STATES).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
          }),
          response: { 200: z.object({ items: z.array(jobSchema) }) },
        },
      },
      async (request) => ({ items: await listImportJobs(reader(deps.store, ctxOf(request)), request.query) }),
    );

    r.get(
      '/api/v1/imports/:id',
      {
        config: { permission: 'part:read' },
        schema: {
          tags,
          summary: 'One import job and its progress',
          params: z.object({ id: z.string() }),
          response: { 200: jobSchema },
        },
      },
      async (request) => requireImportJob(deps.store.db, ctxOf(request).tenantId, request.params.id),
    );

    r.get(
      '/api/v1/imports/:id/rejects',
      {
        config: { permission: 'part:read' },
        schema: {
          tags,
          summary: 'The rejected rows of an import as CSV: line, code, reason, then the row as sent',
          params: z.object({ id: z.string() }),
        },
      },
      async (request, reply) => {
        const r2 = reader(deps.store, ctxOf(request));
        await requireImportJob(r2.db, r2.ctx.tenantId, request.params.id);
        const out = new PassThrough();
        void reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${request.params.id}-rejects.csv"`)
          .send(out);
        writeImportRejects(r2, request.params.id, out).then(
          () => out.end(),
          (error: unknown) => out.destroy(error as Error),
        );
        return reply;
      },
    );
    done();
  });
}

function isReadable(value: unknown): value is Readable {
  return typeof value === 'object' && value !== null && typeof (value as Readable).pipe === 'function';
}
