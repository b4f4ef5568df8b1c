import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, linkHash, type ChainedFields } from './audit-chain.js';

const fields: ChainedFields = {
  tenantId: 't',
  seq: 1,
  actor: 'system:hub',
  action: 'part.created',
  entityType: 'part',
  entityId: 'p1',
  beforeJson: null,
  afterJson: '{"a":1}',
  reason: null,
  requestId: null,
  occurredAt: '2026-11-25T00:00:00.000Z',
};

describe('linkHash', () => {
  it('depends on every covered field and on the previous hash', () => {
    const base = linkHash(GENESIS_HASH, fields);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(linkHash(GENESIS_HASH, { ...fields })).toBe(base);
    for (const [key, value] of Object.entries({
      seq: 2,
      actor: 'x',
      action: 'y',
      entityId: 'p2',
      afterJson: '{"a":2}',
      reason: 'r',
      occurredAt: '2026-11-25T00:00:00.001Z',
    })) {
      expect(linkHash(GENESIS_HASH, { ...fields, [key]: value })).not.toBe(base);
    }
    expect(linkHash('1'.repeat(64), fields)).not.toBe(base);
  });
});
