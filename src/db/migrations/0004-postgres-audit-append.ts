import { sql, type Kysely } from 'kysely';

/**
 * PostgreSQL only: appends audit records to a tenant's hash chain in one server-side call.
 * The chain head's row lock is then held for one round trip and the commit, instead of
 * several round trips through a busy event loop (decision 0003). Each record arrives as its
 * canonical JSON split around the sequence number, which only the locked head can give;
 * the hash is computed exactly as src/kernel/audit-chain.ts computes it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!db.getExecutor().adapter.supportsTransactionalDdl) return; // SQLite: the single writer appends inline
  await sql`
    CREATE OR REPLACE FUNCTION sparehub_append_audit(p_tenant text, p_records jsonb) RETURNS void
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_seq bigint;
      v_prev text;
      v_hash text;
      r jsonb;
    BEGIN
      SELECT seq, hash INTO v_seq, v_prev FROM audit_heads WHERE tenant_id = p_tenant FOR UPDATE;
      IF NOT FOUND THEN
        INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (p_tenant, 0, repeat('0', 64)) ON CONFLICT DO NOTHING;
        SELECT seq, hash INTO v_seq, v_prev FROM audit_heads WHERE tenant_id = p_tenant FOR UPDATE;
      END IF;
      FOR r IN SELECT value FROM jsonb_array_elements(p_records) LOOP
        v_seq := v_seq + 1;
        v_hash := encode(sha256(convert_to(v_prev || E'\\n' || (r->>'head') || v_seq::text || (r->>'tail'), 'UTF8')), 'hex');
        INSERT INTO audit_records (id, tenant_id, seq, actor, action, entity_type, entity_id, before_json, after_json,
                                   reason, request_id, occurred_at, prev_hash, hash)
        VALUES (r->>'id', p_tenant, v_seq, r->>'actor', r->>'action', r->>'entity_type', r->>'entity_id',
                r->>'before_json', r->>'after_json', r->>'reason', r->>'request_id', r->>'occurred_at', v_prev, v_hash);
        v_prev := v_hash;
      END LOOP;
      UPDATE audit_heads SET seq = v_seq, hash = v_prev WHERE tenant_id = p_tenant;
    END
    $fn$
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!db.getExecutor().adapter.supportsTransactionalDdl) return;
  await sql`DROP FUNCTION IF EXISTS sparehub_append_audit(text, jsonb)`.execute(db);
}
