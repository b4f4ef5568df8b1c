import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestFingerprint, runIdempotent, runWork, type Work } from '../kernel/index.js';
import { ctxOf, type HttpDeps } from './context.js';

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
    const result = await runIdempotent(deps.store, ctx, key, fingerprint, async (w) => ({
      status: successStatus,
      body: await fn(w),
    }));
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    await reply.code(result.status).send(result.body);
    return;
  }
  const body = await runWork(deps.store, ctx, fn);
  await reply.code(successStatus).send(body);
}
