import type pg from 'pg';

/**
 * How the hub's pooled clients talk to PostgreSQL (decision 0024). On this machine a round trip
 * costs the hub a socket write and read and the server a parse and plan, and for the short
 * statements of the hot paths that is most of the work. Two changes, both per connection:
 *
 * - Named statements. Kysely sends every query unnamed, which PostgreSQL parses and plans on
 *   every execution; each parameterised text gets a name here, so pg parses it once per
 *   connection and PostgreSQL can keep its plan (custom plans for the first five executions,
 *   a generic one after only where that is no dearer). A reservation's backend CPU went from
 *   1.4 to 0.4 ms. Bounded, because a name holds server memory for the connection's life:
 *   texts longer than MAX_TEXT (multi-row inserts, whose texts vary with the row count) and
 *   texts after the first MAX_NAMES run unnamed, as before.
 * - Deferred BEGIN. The store opens a transaction with DEFERRED_BEGIN, which sends nothing: the
 *   BEGIN goes out just ahead of the unit's first statement, or, when the unit's only
 *   statements are those that travel with COMMIT, in the same query as them: one round trip
 *   for the whole transaction. A statement that starts with READ_BEFORE_BEGIN and comes
 *   before any other runs ahead of the BEGIN: at READ COMMITTED a plain read before the
 *   unit's first write sees what it would see inside the transaction (each statement takes a
 *   fresh snapshot, and there is no write of the unit's own to see), so the store begins its
 *   transactions at that level explicitly.
 */
const MAX_NAMES = 256;
const MAX_TEXT = 4096;

/** The text the store sends to open a transaction whose BEGIN may travel with its first statement. */
export const DEFERRED_BEGIN = 'begin /* deferred */';

/**
 * Marks a plain read (no locking clause, no function with effects) that may run ahead of a
 * pending BEGIN; elsewhere it is only a comment.
 */
export const READ_BEFORE_BEGIN = '/* read before begin */';

const BEGIN = 'begin isolation level read committed';

/** PostgreSQL's error when a prepared statement's result columns changed under it (a migration). */
export function isStalePreparedStatement(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return e?.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan');
}

export interface ClientOptions {
  nameStatements: boolean;
}

type Query = (config: unknown, values?: unknown, callback?: unknown) => unknown;

const NOTHING_SENT = { command: 'BEGIN', rowCount: null, rows: [], fields: [] };

/** Adapts a newly connected pool client (the pool's 'connect' event). */
export function adaptClient(client: pg.PoolClient, options: ClientOptions): void {
  const names = new Map<string, string>();
  let next = 0;
  let beginPending = false;
  const query = client.query.bind(client) as Query;

  const named: Query = (config, values, callback) => {
    if (
      !options.nameStatements ||
      typeof config !== 'string' ||
      !Array.isArray(values) ||
      values.length === 0 ||
      config.length > MAX_TEXT
    )
      return query(config, values, callback);
    let name = names.get(config);
    if (name === undefined) {
      if (names.size >= MAX_NAMES) return query(config, values, callback);
      name = `sh${next++}`;
      names.set(config, name);
    }
    const result = query({ name, text: config, values }, callback);
    if (result instanceof Promise) {
      // After a schema change the server refuses the old statement until it is prepared anew:
      // forget its name so the next execution prepares the text under a fresh one.
      result.catch((error: unknown) => {
        if (isStalePreparedStatement(error) && names.get(config) === name) names.delete(config);
      });
    }
    return result;
  };

  const adapted: Query = (config, values, callback) => {
    if (config === DEFERRED_BEGIN) {
      beginPending = true;
      return Promise.resolve(NOTHING_SENT);
    }
    if (!beginPending) return named(config, values, callback);
    if (typeof config === 'string' && config.startsWith(READ_BEFORE_BEGIN))
      return named(config, values, callback);
    beginPending = false;
    const simple =
      typeof config === 'string' && (values === undefined || (Array.isArray(values) && values.length === 0));
    if (simple && config === 'rollback') return Promise.resolve({ ...NOTHING_SENT, command: 'ROLLBACK' });
    // A simple query (the commit tail) carries the BEGIN in its own text: one round trip. Its
    // caller gets the results it would have had without the BEGIN in front.
    if (simple && callback === undefined)
      return (query(`${BEGIN};\n${config}`) as Promise<unknown>).then((results) => {
        const own = (results as unknown[]).slice(1);
        return own.length === 1 ? own[0] : own;
      });
    // pg runs its queue in order: the BEGIN goes first, without the caller waiting for it.
    (query(BEGIN) as Promise<unknown>).catch(() => undefined); // its failure fails the next query too
    return named(config, values, callback);
  };
  (client as unknown as { query: Query }).query = adapted;
}
