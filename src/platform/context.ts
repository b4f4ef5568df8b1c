import type { Clock } from './clock.js';
import type { IdGenerator } from './ids.js';

/** Who is acting: an API key with its role, or the hub itself (CLI, demo seed, workers). */
export interface Actor {
  kind: 'api_key' | 'system';
  id: string;
  role: string;
}

/** Everything a use case needs besides its input: tenant, actor, and the injected clock and ids. */
export interface Ctx {
  tenantId: string;
  actor: Actor;
  clock: Clock;
  ids: IdGenerator;
  requestId?: string;
}

export function actorLabel(actor: Actor): string {
  return `${actor.kind}:${actor.id}`;
}
