import pg from 'pg';
import type { OutboxTable } from '../db/schema.js';

export type OutboxRow = OutboxTable;

/** PostgreSQL literal; pg's escaping handles quotes and backslashes (E'' form). */
export const literal = (value: string): string => pg.escapeLiteral(value);

/** One INSERT of outbox rows as text with literal values, for the commit tail. */
export function outboxInsertStatement(rows: OutboxRow[]): string {
  const values = rows.map(
    (r) =>
      `(${literal(r.id)}, ${literal(r.tenant_id)}, ${literal(r.type)}, ${literal(r.aggregate_key)}, ` +
      `${literal(r.payload_json)}, ${literal(r.status)}, ${Math.trunc(r.attempts)}, ${literal(r.created_at)})`,
  );
  return `insert into outbox (id, tenant_id, type, aggregate_key, payload_json, status, attempts, created_at) values ${values.join(', ')}`;
}
