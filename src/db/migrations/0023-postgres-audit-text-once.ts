import { sql, type Kysely } from 'kysely';

/**
 * PostgreSQL only: sparehub_append_audit learns a second form of record (decision 0027). The
 * first form carries the canonical text of the record around its sequence number (`head`,
 * `tail`), which holds the record's after and before JSON escaped once more: a 240 KB audit
 * record of an import batch travelled as ~950 KB. The second form (`middle` present) leaves
 * them out: the function writes `after_json` and `before_json` into the hashed text itself,
 * escaped as a JSON string by to_json, which escapes exactly as JSON.stringify does for the
 * text of a canonical JSON (", \, and the control characters, the same way). The first form
 * stays, so a hub of the previous version appends correctly during a rolling upgrade.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!db.getExecutor().adapter.supportsTransactionalDdl) return; // SQLite hashes in the hub
  await sql`
    CREATE OR REPLACE FUNCTION sparehub_append_audit(p_tenant text, p_records jsonb, p_shards integer) RETURNS void
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_shard integer;
      v_seq bigint;
      v_prev text;
      v_hash text;
      v_count integer;
      v_text text;
      r jsonb;
    BEGIN
      SELECT shard, seq, hash INTO v_shard, v_seq, v_prev FROM audit_heads
        WHERE tenant_id = p_tenant AND shard < p_shards
        ORDER BY shard LIMIT 1 FOR UPDATE SKIP LOCKED;
      IF NOT FOUND THEN
        SELECT count(*) INTO v_count FROM audit_heads WHERE tenant_id = p_tenant AND shard < p_shards;
        IF v_count < p_shards THEN
          INSERT INTO audit_heads (tenant_id, shard, seq, hash) VALUES (p_tenant, v_count, 0, repeat('0', 64))
            ON CONFLICT DO NOTHING;
          v_shard := v_count;
        ELSE
          v_shard := floor(random() * p_shards)::integer;
        END IF;
        SELECT seq, hash INTO v_seq, v_prev FROM audit_heads
          WHERE tenant_id = p_tenant AND shard = v_shard FOR UPDATE;
      END IF;
      FOR r IN SELECT value FROM jsonb_array_elements(p_records) LOOP
        v_seq := v_seq + 1;
        IF r ? 'middle' THEN
          v_text := (r->>'head') || coalesce(to_json(r->>'after_json')::text, 'null')
                 || ',"beforeJson":' || coalesce(to_json(r->>'before_json')::text, 'null')
                 || ',' || (r->>'middle') || v_seq::text || (r->>'tail');
        ELSE
          v_text := (r->>'head') || v_seq::text || (r->>'tail');
        END IF;
        v_hash := encode(sha256(convert_to(v_prev || E'\\n' || v_text, 'UTF8')), 'hex');
        INSERT INTO audit_records (id, tenant_id, shard, seq, actor, action, entity_type, entity_id, before_json,
                                   after_json, reason, request_id, occurred_at, prev_hash, hash)
        VALUES (r->>'id', p_tenant, v_shard, v_seq, r->>'actor', r->>'action', r->>'entity_type', r->>'entity_id',
                r->>'before_json', r->>'after_json', r->>'reason', r->>'request_id', r->>'occurred_at', v_prev, v_hash);
        v_prev := v_hash;
      END LOOP;
      UPDATE audit_heads SET seq = v_seq, hash = v_prev WHERE tenant_id = p_tenant AND shard = v_shard;
    END
    $fn$
  `.execute(db);
}

export async function down(): Promise<void> {
  // Nothing to undo: the function still takes the first form, the only one earlier hubs send.
}
