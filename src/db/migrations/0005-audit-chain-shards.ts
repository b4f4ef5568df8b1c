import { sql, type Kysely } from 'kysely';

/**
 * A tenant's audit trail becomes a small, fixed set of hash chains (shards) instead of one
 * (decision 0008). One chain serialises every writer of a tenant on its head row lock, held
 * through the commit's fsync; with several heads, that many transactions commit together
 * while each chain stays gap-free and tamper-evident on its own.
 *
 * SQLite has one writer, so it keeps a single chain (shard 0) and only gains the column;
 * its old constraints stay valid because shard is always 0 there.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter.supportsTransactionalDdl;
  await db.schema
    .alterTable('audit_records')
    .addColumn('shard', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('audit_heads')
    .addColumn('shard', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  if (!postgres) return;

  await sql`ALTER TABLE audit_records DROP CONSTRAINT audit_records_chain_uq`.execute(db);
  await sql`ALTER TABLE audit_records ADD CONSTRAINT audit_records_chain_uq UNIQUE (tenant_id, shard, seq)`.execute(
    db,
  );
  await sql`ALTER TABLE audit_heads DROP CONSTRAINT audit_heads_pkey`.execute(db);
  await sql`ALTER TABLE audit_heads ADD PRIMARY KEY (tenant_id, shard)`.execute(db);
  await sql`DROP FUNCTION IF EXISTS sparehub_append_audit(text, jsonb)`.execute(db);
  // Takes the first head no other transaction holds (SKIP LOCKED); creates heads up to
  // p_shards as load needs them; when all are busy, waits on one picked at random.
  await sql`
    CREATE FUNCTION sparehub_append_audit(p_tenant text, p_records jsonb, p_shards integer) RETURNS void
    LANGUAGE plpgsql AS $fn$
    DECLARE
      v_shard integer;
      v_seq bigint;
      v_prev text;
      v_hash text;
      v_count integer;
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
        v_hash := encode(sha256(convert_to(v_prev || E'\\n' || (r->>'head') || v_seq::text || (r->>'tail'), 'UTF8')), 'hex');
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

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!db.getExecutor().adapter.supportsTransactionalDdl) return;
  await sql`DROP FUNCTION IF EXISTS sparehub_append_audit(text, jsonb, integer)`.execute(db);
}
