/**
 * The NATS transport's settings, validated with zod like every connector config. Callbacks
 * (receive, onPoison, subjectFor) are passed beside these plain values, not inside them.
 */
import { z } from 'zod';

/** JetStream stream and consumer names: no dots, wildcards or whitespace. */
const resourceName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only');

/** A subject filter: dot-separated tokens, `*` and a final `>` allowed. */
const subjectFilter = z.string().min(1).refine(isValidSubjectFilter, 'not a valid NATS subject filter');

const servers = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const natsStreamConfigSchema = z
  .object({
    name: resourceName,
    subjects: z.array(subjectFilter).min(1),
    /** How long JetStream remembers a Nats-Msg-Id to drop a re-published duplicate. */
    duplicateWindowMs: z
      .number()
      .int()
      .positive()
      .default(2 * 60_000),
  })
  .strict();

export type NatsStreamConfig = z.infer<typeof natsStreamConfigSchema>;
export type NatsStreamConfigInput = z.input<typeof natsStreamConfigSchema>;

/** Delay before a failed message is offered again; Temporal's retry vocabulary, in ms. */
export const redeliveryPolicySchema = z
  .object({
    initialIntervalMs: z.number().int().min(0).default(1000),
    backoffCoefficient: z.number().min(1).max(100).default(2),
    maximumIntervalMs: z.number().int().min(0).default(60_000),
  })
  .strict()
  .refine((p) => p.maximumIntervalMs >= p.initialIntervalMs, {
    message: 'maximumIntervalMs cannot be less than initialIntervalMs',
    path: ['maximumIntervalMs'],
  });

export type RedeliveryPolicy = z.infer<typeof redeliveryPolicySchema>;

export const natsConsumerConfigSchema = z
  .object({
    servers,
    /** Connection name shown by the server (`nats server report connections`). */
    name: z.string().min(1).default('sparehub-nats-consumer'),
    stream: resourceName,
    durable: resourceName,
    filterSubject: subjectFilter,
    /** Deliveries that may reach `receive`; the last failure hands the message to onPoison. */
    maxDeliver: z.number().int().min(1).max(1000).default(5),
    /** Server-side ack deadline; a running `receive` keeps extending it (WPI). */
    ackWaitMs: z.number().int().min(100).default(30_000),
    /** Messages pulled ahead of processing; keep batch x receive time well under ackWaitMs. */
    batch: z.number().int().min(1).max(1000).default(10),
    /** Unacknowledged messages the server lets out at once; 1 keeps strict order across retries. */
    maxAckPending: z.number().int().min(1).default(1000),
    redelivery: redeliveryPolicySchema.default({
      initialIntervalMs: 1000,
      backoffCoefficient: 2,
      maximumIntervalMs: 60_000,
    }),
    reconnectTimeWaitMs: z.number().int().min(10).default(2000),
  })
  .strict();

export type NatsConsumerConfig = z.infer<typeof natsConsumerConfigSchema>;
export type NatsConsumerConfigInput = z.input<typeof natsConsumerConfigSchema>;

export const natsPublisherConfigSchema = z
  .object({
    servers,
    name: z.string().min(1).default('sparehub-nats-publisher'),
    /** How long to wait for the stream's PubAck before reporting NATS_TIMEOUT. */
    timeoutMs: z.number().int().min(10).default(5000),
    connectTimeoutMs: z.number().int().min(10).default(5000),
    reconnectTimeWaitMs: z.number().int().min(10).default(2000),
  })
  .strict();

export type NatsPublisherConfig = z.infer<typeof natsPublisherConfigSchema>;
export type NatsPublisherConfigInput = z.input<typeof natsPublisherConfigSchema>;

// Whitespace and control characters break the protocol line; the server rejects them.
function hasIllegalSubjectChars(subject: string): boolean {
  for (let i = 0; i < subject.length; i++) {
    const code = subject.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return /\s/.test(subject);
}

/** A subject a message can be published to: literal tokens only, no wildcards. */
export function isValidPublishSubject(subject: string): boolean {
  if (subject.length === 0 || hasIllegalSubjectChars(subject)) return false;
  return subject
    .split('.')
    .every((token) => token.length > 0 && !token.includes('*') && !token.includes('>'));
}

/** A subject filter: `*` as a whole token anywhere, `>` as a whole last token. */
export function isValidSubjectFilter(filter: string): boolean {
  if (filter.length === 0 || hasIllegalSubjectChars(filter)) return false;
  const tokens = filter.split('.');
  return tokens.every((token, index) => {
    if (token === '*') return true;
    if (token === '>') return index === tokens.length - 1;
    return token.length > 0 && !token.includes('*') && !token.includes('>');
  });
}
