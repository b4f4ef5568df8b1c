/**
 * Canonical messages straight from an X12 stream, in bounded memory: `readX12Canonical` maps
 * each transaction set as its segments arrive. A set whose mapping can stream (846) is never
 * held: its lines leave in messages of at most `maxLines` lines as soon as they are complete.
 * Other sets are small and are mapped whole when their SE arrives, as `toCanonical` does.
 */
import { canonicalMessageSchema, type CanonicalMessage } from '../../../modules/integration/canonical.js';
import { EnvelopeReader } from './envelope.js';
import { issue, type X12Issue } from './issues.js';
import { mappingFor, toCanonical } from './mapping.js';
import { MapContext } from './sets/common.js';
import type { StreamingSetReader } from './sets/mapping-types.js';
import { X12Tokenizer, type TokenEvent } from './tokenizer.js';
import type {
  X12GroupHeader,
  X12Interchange,
  X12InterchangeHeader,
  X12ReadOptions,
  X12Segment,
  X12SegmentData,
  X12SetSummary,
  X12StreamEvent,
} from './types.js';

/** What `readX12Canonical` yields, in input order. */
export type X12CanonicalEvent =
  | {
      /** A canonical message, or one part of a long one (`part` counts from 0 within it). */
      kind: 'message';
      interchange: X12InterchangeHeader;
      group: X12GroupHeader;
      set: { id: string; controlNumber: string };
      part: number;
      message: CanonicalMessage;
    }
  | {
      /**
       * A set has ended: its envelope summary and what its mapping reported. An error here
       * refuses the set; its messages may already have come before this event.
       */
      kind: 'set';
      interchange: X12InterchangeHeader;
      group: X12GroupHeader;
      set: X12SetSummary;
      issues: X12Issue[];
    }
  | { kind: 'interchange'; interchange: X12Interchange<X12SetSummary> }
  | { kind: 'issue'; issue: X12Issue };

export interface X12CanonicalOptions extends X12ReadOptions {
  /** Most lines per message; longer messages are handed out in parts. */
  maxLines: number;
}

/** Positions for a set read segment by segment: from the segments' places in the input. */
class StreamMapContext extends MapContext {
  constructor(
    set: { id: string; controlNumber: string },
    private readonly stIndex: number,
  ) {
    super({ id: set.id, controlNumber: set.controlNumber, segments: [] });
  }

  override position(segment: X12SegmentData): number {
    return 'index' in segment && typeof segment.index === 'number' ? segment.index - this.stIndex + 1 : 0;
  }
}

type AnyLine = unknown;

/**
 * One set mapped segment by segment: messages of at most `maxLines` lines, each validated
 * with the canonical schema, cut exactly where a whole-set read split into `maxLines` parts
 * would cut (a set with no line still gives one message).
 */
export class CanonicalSetStream {
  private readonly ctx: StreamMapContext;
  private readonly reader: StreamingSetReader<CanonicalMessage>;
  private readonly messageType: string;
  private ready: Array<{ part: number; message: CanonicalMessage }> = [];
  private carry: AnyLine[] = [];
  private parts = 0;
  private linesOut = 0;
  private failed = false;

  private constructor(
    private readonly set: { id: string; controlNumber: string },
    st: X12Segment,
    private readonly maxLines: number,
    mapping: { messageType: string; stream: (ctx: MapContext) => StreamingSetReader<CanonicalMessage> },
  ) {
    this.ctx = new StreamMapContext(set, st.index);
    this.reader = mapping.stream(this.ctx);
    this.messageType = mapping.messageType;
  }

  /** A stream for a set whose mapping can read it segment by segment; null for the others. */
  static open(
    set: { id: string; controlNumber: string },
    st: X12Segment,
    maxLines: number,
  ): CanonicalSetStream | null {
    const mapping = mappingFor(set.id);
    const stream = mapping?.stream?.bind(mapping);
    if (!mapping || !stream) return null;
    return new CanonicalSetStream(set, st, maxLines, { messageType: mapping.messageType, stream });
  }

  accept(segment: X12SegmentData): void {
    this.reader.accept(segment);
    if (this.reader.linesReady >= this.maxLines && this.reader.headerComplete) this.cut(false);
  }

  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** Messages complete so far; they leave the stream. */
  take(): Array<{ part: number; message: CanonicalMessage }> {
    const out = this.ready;
    this.ready = [];
    return out;
  }

  /** Ends the set: the last message, and every issue its mapping reported. */
  finish(): X12Issue[] {
    this.reader.finish();
    this.cut(true);
    return this.ctx.issues;
  }

  private cut(final: boolean): void {
    const taken = this.reader.takeLines() as AnyLine[];
    const lines = this.carry.length > 0 ? this.carry.concat(taken) : taken;
    this.carry = [];
    const head = this.reader.head();
    if (head === null || this.failed) return; // refused: its error is reported already
    if (head === undefined) {
      this.carry = lines; // no BIA yet: wait for it
      return;
    }
    let at = 0;
    for (; lines.length - at >= this.maxLines; at += this.maxLines)
      this.emit(head, lines.slice(at, at + this.maxLines));
    if (!final) this.carry = at === 0 ? lines : lines.slice(at);
    else if (at < lines.length || this.parts === 0) this.emit(head, lines.slice(at));
  }

  private emit(head: object, lines: AnyLine[]): void {
    if (this.failed) return;
    const offset = this.linesOut;
    this.linesOut += lines.length;
    const parsed = canonicalMessageSchema.safeParse({ ...head, lines });
    if (parsed.success) {
      this.ready.push({ part: this.parts, message: parsed.data });
      this.parts += 1;
      return;
    }
    // Refused from here on; the paths name lines as a whole-set read numbers them.
    this.failed = true;
    const detail = parsed.error.issues
      .map((problem) => {
        const path = [...problem.path];
        if (path[0] === 'lines' && typeof path[1] === 'number') path[1] += offset;
        return `${path.join('.')}: ${problem.message}`;
      })
      .join('; ');
    this.ctx.issues.push(
      issue(
        'X12_MAPPING_SCHEMA',
        'error',
        `${this.set.id} ${this.set.controlNumber}: message fails the ${this.messageType} schema: ${detail}`,
      ),
    );
  }
}

/** Splits a message's lines into messages of at most `size` lines (one message when it fits). */
function* splitLines(message: CanonicalMessage, size: number): Generator<CanonicalMessage> {
  const lines = (message as { lines?: unknown }).lines;
  if (!Array.isArray(lines) || lines.length <= size) {
    yield message;
    return;
  }
  for (let at = 0; at < lines.length; at += size)
    yield { ...message, lines: lines.slice(at, at + size) } as CanonicalMessage;
}

type Chunk = Uint8Array | string;

/** Characters handed to the tokenizer at a time, whatever the size of the source's chunks. */
const PUSH_CHARS = 64 * 1024;

type SetRef = Pick<Extract<X12CanonicalEvent, { kind: 'message' }>, 'interchange' | 'group' | 'set'>;

/**
 * Streams an X12 file as canonical messages: each set's messages (long ones in parts of at
 * most `maxLines` lines), then a `set` event with the set's envelope summary and mapping
 * issues, and an `interchange` event at each IEA with the envelope's verdict. An 846 is
 * mapped as its segments arrive and never held, so memory stays at one chunk of input plus
 * `maxLines` lines, however large the set. The messages and issues are those of
 * `readX12Stream` followed by `toCanonical`; only their timing differs (an 846's messages come
 * before its SE). Never throws on bad input.
 */
export async function* readX12Canonical(
  source: AsyncIterable<Chunk> | Iterable<Chunk>,
  options: X12CanonicalOptions,
): AsyncGenerator<X12CanonicalEvent, void, undefined> {
  const maxLines = options.maxLines;
  if (!(Number.isInteger(maxLines) && maxLines > 0))
    throw new RangeError('maxLines must be a positive integer');
  // One entry per set opened, in order, until its `set` event: its stream (null: mapped whole).
  const opened: Array<{ stream: CanonicalSetStream | null; ref: SetRef }> = [];
  const tokenizer = new X12Tokenizer(options.maxSegmentLength);
  const envelope = new EnvelopeReader({
    strictEnvelope: options.strictEnvelope ?? true,
    keepSegments: false,
    sinkFor: (set, interchange, group) => {
      const stream = CanonicalSetStream.open(set, set.st, maxLines);
      opened.push({
        stream,
        ref: { interchange, group, set: { id: set.id, controlNumber: set.controlNumber } },
      });
      if (!stream) return null;
      return (segment) => {
        stream.accept(segment);
        if (stream.hasReady) ready = true;
      };
    },
  });
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  // Set when a streamed set has a message ready, so segments that complete none cost nothing more.
  let ready = false;

  function* handle(events: X12StreamEvent[]): Generator<X12CanonicalEvent, void, undefined> {
    // Lines completed by the last segment come before whatever that segment closed.
    for (const { stream, ref } of opened)
      if (stream)
        for (const { part, message } of stream.take()) yield { kind: 'message', ...ref, part, message };
    for (const event of events) {
      if (event.kind !== 'set') {
        yield event;
        continue;
      }
      const { stream, ref } = opened.shift()!;
      let issues: X12Issue[];
      if (stream) {
        issues = stream.finish();
        for (const { part, message } of stream.take()) yield { kind: 'message', ...ref, part, message };
      } else {
        const mapped = toCanonical(event.set);
        issues = mapped.issues;
        if (!issues.some((found) => found.severity === 'error'))
          for (const message of mapped.messages) {
            let part = 0;
            for (const piece of splitLines(message, maxLines))
              yield { kind: 'message', ...ref, part: part++, message: piece };
          }
      }
      const { segments: _none, ...summary } = event.set;
      yield { kind: 'set', ...ref, set: summary, issues };
    }
  }

  function* feed(tokens: TokenEvent[]): Generator<X12CanonicalEvent, void, undefined> {
    for (const token of tokens) {
      const events = envelope.handle(token);
      if (events.length === 0 && !ready) continue;
      ready = false;
      yield* handle(events);
    }
  }

  for await (const chunk of source) {
    const text =
      typeof chunk === 'string' ? decoder.decode() + chunk : decoder.decode(chunk, { stream: true });
    // The tokenizer hands back every segment of what it is given at once: a few megabytes of
    // text would be hundreds of thousands of segments alive together, so it gets small pieces.
    for (let at = 0; at < text.length; at += PUSH_CHARS)
      yield* feed(tokenizer.push(text.slice(at, at + PUSH_CHARS)));
  }
  yield* feed(tokenizer.push(decoder.decode()));
  yield* feed(tokenizer.end());
  yield* handle(envelope.finish());
}
