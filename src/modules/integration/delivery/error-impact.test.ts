import { describe, expect, it } from 'vitest';
import {
  DEFAULT_IMPACT_RULES,
  classifyImpact,
  impactRuleSchema,
  normaliseSubject,
  sortByImpact,
  type ImpactRule,
} from './error-impact.js';

const NOW = '2026-03-01T10:00:00.000Z';
const inHours = (h: number): string => new Date(Date.parse(NOW) + h * 3_600_000).toISOString();

describe('normaliseSubject', () => {
  it('brings dotted, dashed and camel-cased names to snake case', () => {
    expect(['purchase.order', 'Purchase-Order', 'PurchaseOrder', ' ASN '].map(normaliseSubject)).toEqual([
      'purchase_order',
      'purchase_order',
      'purchase_order',
      'asn',
    ]);
  });
});

describe('classifyImpact', () => {
  it('says a priority 1 work order blocks a service job', () => {
    const c = classifyImpact({ messageType: 'work_order.updated', priority: 1 }, NOW);
    expect(c).toMatchObject({ impact: 'blocks_service_job', rank: 10, ruleId: 'urgent_service_job' });
    expect(c.reasons).toContain('priority 1 is 2 or more urgent');
  });

  it('says a low-priority reservation whose SLA is due within 24 h blocks a service job', () => {
    const c = classifyImpact(
      { messageType: 'reservation.created', jobPriority: 4, slaDueAt: inHours(6) },
      NOW,
    );
    expect(c.impact).toBe('blocks_service_job');
    expect(c.reasons.join(' ')).toContain('SLA due in 6 h');
  });

  it('treats an overdue SLA as urgent', () => {
    const c = classifyImpact({ messageType: 'requisition', slaDueAt: inHours(-3) }, NOW);
    expect(c.impact).toBe('blocks_service_job');
    expect(c.reasons.join(' ')).toContain('overdue by 3 h');
  });

  it('takes the more urgent of priority and jobPriority', () => {
    expect(classifyImpact({ messageType: 'WorkOrder', priority: 5, jobPriority: 2 }, NOW).impact).toBe(
      'blocks_service_job',
    );
  });

  it('ranks a non-urgent work order below replenishment and explains why it is not blocking', () => {
    const c = classifyImpact({ messageType: 'work_order.created', priority: 4, slaDueAt: inHours(72) }, NOW);
    expect(c).toMatchObject({ impact: 'other', rank: 25, ruleId: 'service_job' });
    expect(c.reasons[0]).toBe(
      'message type work_order.created matches work_order, but priority 4 is less urgent than 2 and ' +
        'SLA due in 72 h, beyond 24 h, so rule urgent_service_job does not apply',
    );
  });

  it('says a purchase order, an ASN and a stock transfer delay replenishment', () => {
    for (const messageType of [
      'purchase.order',
      'purchase.order.ack',
      'ship.notice',
      'ASN',
      'stock.transfer_shipment',
    ]) {
      expect(classifyImpact({ messageType }, NOW).impact, messageType).toBe('delays_replenishment');
    }
  });

  it('says a part master or stock snapshot only lags data sync', () => {
    for (const messageType of ['item.master', 'part_master', 'inventory.advice', 'stock_snapshot']) {
      expect(classifyImpact({ messageType }, NOW).impact, messageType).toBe('data_sync_lag');
    }
  });

  it('falls back to the flow entity when the message type names nothing', () => {
    const c = classifyImpact({ messageType: 'ORDERS', flowEntity: 'work_order', priority: 1 }, NOW);
    expect(c.impact).toBe('blocks_service_job');
    expect(c.reasons).toContain('flow entity work_order matches work_order');
  });

  it('classifies an unknown message as other, last', () => {
    expect(classifyImpact({ messageType: 'heartbeat' }, NOW)).toMatchObject({ impact: 'other', rank: 90 });
  });

  it('ignores an unreadable SLA date and says so', () => {
    const c = classifyImpact({ messageType: 'work_order', priority: 3, slaDueAt: 'tomorrow' }, NOW);
    expect(c.impact).toBe('other');
    expect(c.reasons[0]).toBe('SLA due date tomorrow is not a date; ignored');
  });

  it('follows a custom rule table, first match wins', () => {
    const rules: ImpactRule[] = [
      {
        id: 'prices',
        impact: 'delays_replenishment',
        rank: 5,
        subjects: ['price'],
        because: 'buyers wait on prices',
      },
      ...DEFAULT_IMPACT_RULES,
    ];
    expect(classifyImpact({ messageType: 'price.list' }, NOW, rules)).toMatchObject({
      rank: 5,
      ruleId: 'prices',
    });
  });

  it('ships a default table that its own schema accepts, ending in a catch-all', () => {
    for (const rule of DEFAULT_IMPACT_RULES) expect(impactRuleSchema.parse(rule)).toEqual(rule);
    expect(DEFAULT_IMPACT_RULES.at(-1)?.subjects).toEqual([]);
  });
});

describe('sortByImpact', () => {
  it('orders by rank, then earliest SLA (none last), then oldest', () => {
    const errors = [
      { id: 'sync', rank: 30, createdAt: '2026-02-01T00:00:00.000Z' },
      { id: 'job-no-sla', rank: 10, createdAt: '2026-02-01T00:00:00.000Z' },
      { id: 'job-sla-late', rank: 10, slaDueAt: inHours(20), createdAt: '2026-02-27T00:00:00.000Z' },
      { id: 'job-sla-soon', rank: 10, slaDueAt: inHours(2), createdAt: '2026-02-28T00:00:00.000Z' },
      { id: 'po-new', rank: 20, createdAt: '2026-02-28T00:00:00.000Z' },
      { id: 'po-old', rank: 20, createdAt: '2026-02-20T00:00:00.000Z' },
    ];
    expect(sortByImpact(errors).map((e) => e.id)).toEqual([
      'job-sla-soon',
      'job-sla-late',
      'job-no-sla',
      'po-old',
      'po-new',
      'sync',
    ]);
  });

  it('does not reorder its input', () => {
    const errors = [
      { rank: 2, createdAt: 1 },
      { rank: 1, createdAt: 2 },
    ];
    sortByImpact(errors);
    expect(errors.map((e) => e.rank)).toEqual([2, 1]);
  });
});
