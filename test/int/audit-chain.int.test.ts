import fc from 'fast-check';
import { expect, it } from 'vitest';
import { reader, runWork } from '../../src/kernel/index.js';
import { listAuditRecords, listEvents, verifyTenant } from '../../src/modules/audit/index.js';
import { asJson, describeEachStore } from '../support/each-store.js';

// Text that JSON escapes, and text it does not: quotes, backslashes, every control character,
// DEL, non-ASCII and astral characters, line separators, lone surrogates, escape-like text.
const awkwardText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc
    .array(
      fc.constantFrom(
        '"',
        '\\',
        '\u0000',
        '\u0001',
        '\b',
        '\f',
        '\n',
        '\r',
        '\t',
        '\u001f',
        '\u007f',
        'é',
        '😀',
        '\u2028',
        '\u2029',
        '\ud800',
        '\\u0000',
        '"afterJson":null,"beforeJson":null,',
        ',"seq":0,',
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join('')),
);
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    awkwardText,
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(awkwardText, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describeEachStore('audit chain', (hub) => {
  it('verifies whatever text the records carry, as the store hashed it (property)', async () => {
    const t = hub();
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            after: fc.option(jsonValue, { nil: undefined }),
            before: fc.option(jsonValue, { nil: undefined }),
            reason: fc.option(fc.string(), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        async (entries) => {
          await runWork(t.hub.store, t.ctx(), (w) => {
            for (const [i, e] of entries.entries())
              w.audit({ action: 'test.recorded', entityType: 'test', entityId: `e${i}`, ...e });
            return Promise.resolve();
          });
        },
      ),
      { numRuns: 60 },
    );
    const result = await verifyTenant(t.hub.store.db, { id: t.tenantId, code: 't' });
    expect(result.chain.firstBreak).toBeNull();
    expect(result.ok).toBe(true);
  });

  it('answers with every field of every record and event, and the whole verification report', async () => {
    const t = hub();
    await runWork(t.hub.store, t.ctx(), (w) => {
      w.audit({
        action: 'test.answered',
        entityType: 'test',
        entityId: 'answer',
        before: null,
        after: { nested: [1, 'two', { three: null }] },
        reason: 'the API answers in full',
      });
      w.emit({ type: 'test.answered', key: 'test:answer', payload: { nested: [1, 'two', { three: null }] } });
      return Promise.resolve();
    });
    const r = reader(t.hub.store, t.ctx());
    expect((await t.api('GET', '/api/v1/audit?limit=1000')).body).toEqual(
      asJson({ items: await listAuditRecords(r, { limit: 1000 }) }),
    );
    expect((await t.api('GET', '/api/v1/events?limit=1000')).body).toEqual(
      asJson({ items: await listEvents(r, { limit: 1000 }) }),
    );
    const tenant = await t.hub.store.db
      .selectFrom('tenants')
      .select(['id', 'code'])
      .where('id', '=', t.tenantId)
      .executeTakeFirstOrThrow();
    expect((await t.api('POST', '/api/v1/audit/verify')).body).toEqual(
      asJson(await verifyTenant(t.hub.store.db, tenant)),
    );
  });
});
