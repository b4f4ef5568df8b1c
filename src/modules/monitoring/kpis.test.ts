import { describe, expect, it } from 'vitest';
import { systemHealth, type SystemTraffic } from './kpis.js';

const quiet: SystemTraffic = { received: 0, failed: 0, dead: 0, delivered: 0, retrying: 0, breaker: null };

describe('systemHealth: what to do about a system, and why', () => {
  it('is failing while a dead letter waits or the breaker is open, naming both', () => {
    const v = systemHealth({ ...quiet, received: 10, dead: 2, breaker: 'open' });
    expect(v.health).toBe('failing');
    expect(v.reasons).toEqual([
      'circuit breaker open: deliveries paused',
      '2 dead letters waiting for retry or discard',
    ]);
  });

  it('is degraded while deliveries retry or failures pass the threshold, healthy below it', () => {
    expect(systemHealth({ ...quiet, delivered: 50, retrying: 1 })).toEqual({
      health: 'degraded',
      reasons: ['1 delivery retrying'],
    });
    expect(systemHealth({ ...quiet, received: 10, failed: 1 }).health).toBe('degraded');
    expect(systemHealth({ ...quiet, received: 100, failed: 5 }).health).toBe('healthy');
    expect(systemHealth({ ...quiet, received: 100, failed: 6 }).reasons).toEqual([
      '6.0 % of messages failed (above 5 %)',
    ]);
  });

  it('is idle with no traffic, and healthy with traffic and nothing wrong', () => {
    expect(systemHealth(quiet)).toEqual({ health: 'idle', reasons: ['no messages in the window'] });
    expect(systemHealth({ ...quiet, received: 3, delivered: 4 }).health).toBe('healthy');
  });
});
