import { sql, type Kysely } from 'kysely';

/**
 * PostgreSQL only: the reservation fast path in one server-side call that travels with COMMIT
 * (decision 0024). It takes free stock and writes the reservation row, or, when free stock does
 * not cover the quantity or the balance has a buffer to check, raises SQLSTATE SH001 ("take the
 * full path"): the transaction rolls back and the unit runs again through the general code,
 * which decides pre-emption and checks buffers. The conditions are those of the one-statement
 * reservation in src/modules/inventory/reservations.service.ts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!db.getExecutor().adapter.supportsTransactionalDdl) return; // SQLite: statements cost no trip
  await sql`
    CREATE FUNCTION sparehub_reserve_free(
      p_tenant text, p_part text, p_location text, p_quantity bigint, p_id text, p_demand_type text,
      p_priority integer, p_demand_ref text, p_created_by text, p_at text) RETURNS void
    LANGUAGE plpgsql AS $fn$
    BEGIN
      UPDATE stock_balances SET reserved_milli = reserved_milli + p_quantity, updated_at = p_at
       WHERE tenant_id = p_tenant AND part_id = p_part AND location_id = p_location AND status = 'available'
         AND on_hand_milli - reserved_milli >= p_quantity;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'free stock does not cover % of part % at %', p_quantity, p_part, p_location
          USING ERRCODE = 'SH001';
      END IF;
      IF EXISTS (SELECT 1 FROM stock_buffers b
                  WHERE b.tenant_id = p_tenant AND b.part_id = p_part AND b.location_id = p_location) THEN
        RAISE EXCEPTION 'part % at % has a buffer to check', p_part, p_location USING ERRCODE = 'SH001';
      END IF;
      INSERT INTO reservations (id, tenant_id, part_id, location_id, quantity_milli, demand_type, priority,
                                demand_ref, state, state_reason, created_by, created_at, updated_at)
      VALUES (p_id, p_tenant, p_part, p_location, p_quantity, p_demand_type, p_priority, p_demand_ref, 'open',
              NULL, p_created_by, p_at, p_at);
    END
    $fn$
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!db.getExecutor().adapter.supportsTransactionalDdl) return;
  await sql`DROP FUNCTION IF EXISTS sparehub_reserve_free(text, text, text, bigint, text, text, integer, text, text, text)`.execute(
    db,
  );
}
