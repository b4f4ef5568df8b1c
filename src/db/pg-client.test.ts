import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgUrl } from '../../test/support/each-store.js';
import { DEFERRED_BEGIN, READ_BEFORE_BEGIN, adaptClient } from './pg-client.js';
import { openStore, TAKE_FULL_PATH, type Store } from './store.js';

const url = pgUrl();
const table = `pgc_${process.pid}_${Date.now().toString(36)}`;

/** A client whose every query on the wire is recorded, adapted as the store's pool adapts it. */
async function recordingClient(nameStatements = true) {
  const client = new pg.Client({ connectionString: url! });
  await client.connect();
  const sent: { text: string; name?: string }[] = [];
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: unknown }).query = (config: unknown, values?: unknown, cb?: unknown) => {
    if (typeof config === 'string') sent.push({ text: config });
    else if (config && typeof config === 'object' && 'text' in config)
      sent.push({ text: String(config.text), name: (config as { name?: string }).name });
    return original(config, values, cb);
  };
  adaptClient(client as unknown as pg.PoolClient, { nameStatements });
  return { client, sent };
}

(url ? describe : describe.skip)('PostgreSQL clients (deferred BEGIN, named statements)', () => {
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: url! });
    await admin.connect();
    await admin.query(`create table ${table} (id integer primary key, label text not null)`);
  });
  afterAll(async () => {
    await admin.query(`drop table if exists ${table}`);
    await admin.end();
  });

  it('sends BEGIN with the commit tail when the unit ran nothing else: one query, applied atomically', async () => {
    const { client, sent } = await recordingClient();
    try {
      await client.query(DEFERRED_BEGIN);
      expect(sent).toEqual([]);
      await client.query(
        `insert into ${table} values (1, 'one'); insert into ${table} values (2, 'two');\ncommit`,
      );
      expect(sent).toHaveLength(1);
      expect(sent[0]!.text).toMatch(/^begin isolation level read committed;\n/);
      const { rows } = await admin.query(`select count(*)::int as n from ${table} where id in (1, 2)`);
      expect(rows[0].n).toBe(2);
      // A failing tail leaves nothing behind: the BEGIN it carried makes it one transaction.
      await client.query(DEFERRED_BEGIN);
      await expect(
        client.query(
          `insert into ${table} values (3, 'three'); insert into ${table} values (1, 'again');\ncommit`,
        ),
      ).rejects.toMatchObject({ code: '23505' });
      await client.query('rollback');
      const after = await admin.query(`select count(*)::int as n from ${table} where id = 3`);
      expect(after.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
  });

  it('gives a first statement without values its own rows though the BEGIN travels in front of it', async () => {
    const { client, sent } = await recordingClient();
    try {
      await client.query(DEFERRED_BEGIN);
      const one = await client.query(`select label from ${table} where id = 2`);
      expect(one.rows).toEqual([{ label: 'two' }]);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.text).toMatch(/^begin isolation level read committed;\n/);
      const status = await client.query(
        `select txid_current() > 0 as inside, now() = statement_timestamp() as fresh`,
      );
      expect(status.rows[0]).toEqual({ inside: true, fresh: false }); // still the BEGIN's transaction
      await client.query('rollback');
      await client.query(DEFERRED_BEGIN);
      const two = await client.query(`select 1 as a; select 2 as b`);
      expect((two as unknown as pg.QueryResult[]).map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]]);
      await client.query('rollback');
    } finally {
      await client.end();
    }
  });

  it('runs a marked plain read ahead of the BEGIN and sends BEGIN before the first other statement', async () => {
    const { client, sent } = await recordingClient();
    try {
      await client.query(DEFERRED_BEGIN);
      const read = await client.query(`${READ_BEFORE_BEGIN} select label from ${table} where id = $1`, [1]);
      expect(read.rows).toEqual([{ label: 'one' }]);
      await client.query(`update ${table} set label = $1 where id = $2`, ['uno', 1]);
      const status = await client.query(`select txid_current_if_assigned() is not null as writing`);
      expect(status.rows[0].writing).toBe(true); // the update ran inside a transaction
      await client.query('rollback');
      expect(sent.map((s) => s.text.split('\n')[0]!.slice(0, 40))).toEqual([
        `${READ_BEFORE_BEGIN} select label from ${table}`.slice(0, 40),
        'begin isolation level read committed',
        `update ${table} set label = $1 where id = $2`.slice(0, 40),
        'select txid_current_if_assigned() is not null as writing'.slice(0, 40),
        'rollback',
      ]);
      const { rows } = await admin.query(`select label from ${table} where id = 1`);
      expect(rows[0].label).toBe('one');
    } finally {
      await client.end();
    }
  });

  it('sends nothing for the rollback of a unit that sent nothing', async () => {
    const { client, sent } = await recordingClient();
    try {
      await client.query(DEFERRED_BEGIN);
      await client.query('rollback');
      expect(sent).toEqual([]);
      const { rows } = await client.query(`select label from ${table} where id = $1`, [2]);
      expect(rows).toEqual([{ label: 'two' }]);
    } finally {
      await client.end();
    }
  });

  it('names each parameterised text once per connection, and leaves texts without values unnamed', async () => {
    const { client, sent } = await recordingClient();
    try {
      const text = `select label from ${table} where id = $1`;
      await client.query(text, [1]);
      await client.query(text, [2]);
      await client.query(`select count(*) from ${table}`);
      expect(sent[0]!.name).toMatch(/^sh\d+$/);
      expect(sent[1]!.name).toBe(sent[0]!.name);
      expect(sent[2]!.name).toBeUndefined();
      const prepared = await client.query(
        `select count(*)::int as n from pg_prepared_statements where name = $1`,
        [sent[0]!.name],
      );
      expect(prepared.rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
    const plain = await recordingClient(false);
    try {
      await plain.client.query(`select label from ${table} where id = $1`, [1]);
      expect(plain.sent[0]!.name).toBeUndefined();
    } finally {
      await plain.client.end();
    }
  });

  describe('through the store', () => {
    let store: Store;
    beforeAll(() => {
      store = openStore({ databaseUrl: url!, poolSize: 1 });
    });
    afterAll(() => store.close());

    it('prepares a statement anew after a migration changed its columns, by running the unit again', async () => {
      let attempts = 0;
      const read = () =>
        store.transaction(async (trx) => {
          attempts += 1;
          const { rows } = await sql<
            Record<string, unknown>
          >`select * from ${sql.table(table)} where id = ${1}`.execute(trx);
          return rows[0];
        });
      expect(await read()).toEqual({ id: 1, label: 'one' });
      await admin.query(`alter table ${table} add column note text`);
      attempts = 0;
      expect(await read()).toEqual({ id: 1, label: 'one', note: null });
      expect(attempts).toBe(2); // the server refused the old statement once ("cached plan must not change result type")
    });

    it('runs a unit again with attempt 2 when a tail statement asks for the full path, with nothing kept', async () => {
      const attempts: number[] = [];
      const out = await store.transaction(async (trx, tail) => {
        attempts.push(tail!.attempt);
        await sql`insert into ${sql.table(table)} (id, label) values (${10 + tail!.attempt}, ${'try'})`.execute(
          trx,
        );
        if (tail!.attempt === 1)
          tail!.add(
            `do $$ begin raise exception 'take the full path' using errcode = '${TAKE_FULL_PATH}'; end $$`,
          );
        return tail!.attempt;
      });
      expect(out).toBe(2);
      expect(attempts).toEqual([1, 2]);
      const { rows } = await admin.query(`select id from ${table} where id in (11, 12) order by id`);
      expect(rows).toEqual([{ id: 12 }]);
    });
  });
});
