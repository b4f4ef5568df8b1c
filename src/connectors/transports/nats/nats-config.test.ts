import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isValidPublishSubject,
  isValidSubjectFilter,
  natsConsumerConfigSchema,
  redeliveryPolicySchema,
} from './nats-config.js';
import { redeliveryDelayMs } from './redelivery.js';

const token = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);

describe('NATS subjects', () => {
  it('accepts any dot-joined literal tokens as a publish subject', () => {
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 6 }), (tokens) =>
        isValidPublishSubject(tokens.join('.')),
      ),
    );
  });

  it('rejects empty tokens, whitespace and wildcards in a publish subject', () => {
    for (const subject of ['', 'a..b', '.a', 'a.', 'a b', 'a\tb', 'a.*', 'a.>', '>', 'a*b', 'a\r\nPUB x']) {
      expect(isValidPublishSubject(subject), subject).toBe(false);
    }
  });

  it('accepts * anywhere and > only as the last token of a filter', () => {
    expect(isValidSubjectFilter('a.*.c')).toBe(true);
    expect(isValidSubjectFilter('a.>')).toBe(true);
    expect(isValidSubjectFilter('>')).toBe(true);
    expect(isValidSubjectFilter('a.>.c')).toBe(false);
    expect(isValidSubjectFilter('a.b*')).toBe(false);
    expect(isValidSubjectFilter('a..b')).toBe(false);
  });
});

describe('NATS consumer config', () => {
  it('fills the defaults: 5 deliveries, 30 s ack wait, batches of 10', () => {
    const config = natsConsumerConfigSchema.parse({
      servers: 'localhost:4222',
      stream: 'S',
      durable: 'd',
      filterSubject: 'a.>',
    });
    expect(config).toMatchObject({ maxDeliver: 5, ackWaitMs: 30_000, batch: 10, maxAckPending: 1000 });
  });

  it('rejects a stream name with a dot and an unknown option', () => {
    expect(() =>
      natsConsumerConfigSchema.parse({ servers: 'x', stream: 'a.b', durable: 'd', filterSubject: 'a.>' }),
    ).toThrow();
    expect(() =>
      natsConsumerConfigSchema.parse({
        servers: 'x',
        stream: 'S',
        durable: 'd',
        filterSubject: 'a.>',
        maxDelivery: 3,
      }),
    ).toThrow();
  });
});

describe('redelivery delay', () => {
  const policy = redeliveryPolicySchema.parse({
    initialIntervalMs: 100,
    backoffCoefficient: 2,
    maximumIntervalMs: 1000,
  });

  it('doubles from the initial interval up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => redeliveryDelayMs(n, policy))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('never shrinks from one delivery to the next and stays within [initial, maximum]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (initial, coefficient, extra, count) => {
          const p = {
            initialIntervalMs: initial,
            backoffCoefficient: coefficient,
            maximumIntervalMs: initial + extra,
          };
          const now = redeliveryDelayMs(count, p);
          const next = redeliveryDelayMs(count + 1, p);
          return now >= initial && now <= p.maximumIntervalMs && next >= now;
        },
      ),
    );
  });
});
