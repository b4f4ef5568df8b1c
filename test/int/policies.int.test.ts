import { expect, it } from 'vitest';
import { describeEachStore, type TestHub } from '../support/each-store.js';

// Policy documents (kernel/policy-documents.ts), as the inventory and fulfillment modules
// serve them: versioned, and an edit made against a version that is no longer current lands
// nowhere, however close together the edits come.
function policyAudits(t: TestHub) {
  return t.hub.store.db
    .selectFrom('audit_records')
    .select(['entity_id', 'before_json'])
    .where('tenant_id', '=', t.tenantId)
    .where('action', '=', 'policy.updated')
    .orderBy('occurred_at')
    .orderBy('seq')
    .execute();
}

describeEachStore('policy documents', (hub) => {
  it('let exactly one of several concurrent edits of the same version land, in either module', async () => {
    const t = hub();
    const edits = 12;
    const versionOf = async (path: string) => Number((await t.api('GET', path)).body.version);
    const from = {
      '/api/v1/policies/reservation': await versionOf('/api/v1/policies/reservation'),
      '/api/v1/approval-policy': await versionOf('/api/v1/approval-policy'),
    };
    const auditsBefore = await policyAudits(t);
    const reservation = await Promise.all(
      Array.from({ length: edits }, (_, i) =>
        t.api('PUT', '/api/v1/policies/reservation', {
          body: {
            body: {
              demandTypeRank: { field_service: 100 + i, internal_transfer: 10 },
              preemption: { enabled: i % 2 === 0, minPriorityGap: 1 + i },
            },
            expectedVersion: from['/api/v1/policies/reservation'],
            reason: `edit ${i}`,
          },
        }),
      ),
    );
    const approval = await Promise.all(
      Array.from({ length: edits }, (_, i) =>
        t.api('PUT', '/api/v1/approval-policy', {
          body: {
            expectedVersion: from['/api/v1/approval-policy'],
            body: { rules: [{ name: `edit ${i}`, autoApproveUpTo: 100 + i, supervisorUpTo: 1000 }] },
          },
        }),
      ),
    );
    for (const [path, results] of [
      ['/api/v1/policies/reservation', reservation],
      ['/api/v1/approval-policy', approval],
    ] as const) {
      const landed = results.filter((r) => r.status === 200);
      expect(landed, path).toHaveLength(1);
      for (const refused of results.filter((r) => r.status !== 200))
        expect(refused.body.code, path).toBe('POLICY_INVALID');
      // What is in force is the edit that landed, one version on.
      const now = await t.api('GET', path);
      expect(now.body).toMatchObject({ version: from[path] + 1, body: landed[0]?.body.body });
    }
    // One audit record per edit that landed, with the document it replaced.
    const audits = (await policyAudits(t)).slice(auditsBefore.length);
    expect(audits.map((a) => a.entity_id).sort()).toEqual(['reservation', 'work-order-approval']);
    for (const a of audits) {
      const replaced = JSON.parse(a.before_json ?? 'null') as { version: number };
      expect(replaced.version).toBe(
        from[a.entity_id === 'reservation' ? '/api/v1/policies/reservation' : '/api/v1/approval-policy'],
      );
    }
  });

  it('refuses a body its schema does not accept, naming the field, and changes nothing', async () => {
    const t = hub();
    const before = await t.api('GET', '/api/v1/policies/reservation');
    const bad = await t.api('PUT', '/api/v1/policies/reservation', {
      body: { body: { demandTypeRank: { field_service: -1 }, preemption: { enabled: true } } },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('POLICY_INVALID');
    expect(bad.body.detail).toContain('demandTypeRank');
    const now = await t.api('GET', '/api/v1/policies/reservation');
    expect(now.body).toEqual(before.body);
  });
});
