import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestFingerprint, runIdempotent, runWork, type Work } from '../kernel/index.js';
import { ctxOf, type HttpDeps } from './context.js';

/** Returned by a command that answers with another status than its usual one (e.g. a recorded conflict). */
export class CommandReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly contentType = 'application/json',
  ) {}
}

/**
 * Runs a state-changing request as one unit of work. With an `Idempotency-Key` header the
 * first success is stored with its response and a repeat gets the same response back.
 */
export async function runCommand<T>(
  deps: HttpDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  successStatus: number,
  fn: (w: Work) => Promise<T>,
): Promise<void> {
  const ctx = ctxOf(request);
  const key = request.headers['idempotency-key'];
  if (typeof key === 'string') {
    const fingerprint = requestFingerprint(request.method, request.url, request.body);
    const result = await runIdempotent(deps.store, ctx, key, fingerprint, async (w) => {
      const out = await fn(w);
      return out instanceof CommandReply
        ? { status: out.status, body: out.body }
        : { status: successStatus, body: out };
    });
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    if (result.status >= 400) void reply.type('application/problem+json');
    await reply.code(result.status).send(result.body);
    return;
  }
  const out = await runWork(deps.store, ctx, fn);
  if (out instanceof CommandReply) await reply.code(out.status).type(out.contentType).send(out.body);
  else await reply.code(successStatus).send(out);
}
