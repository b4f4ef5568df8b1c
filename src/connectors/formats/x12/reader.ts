/**
 * Public readers: `parseX12` for a whole document, `readX12Stream` for files of any size.
 * Both run the same tokenizer and envelope checks, so they agree set for set.
 */
import { EnvelopeReader } from './envelope.js';
import { X12Tokenizer, type TokenEvent } from './tokenizer.js';
import type { X12Interchange, X12ParseResult, X12ReadOptions, X12StreamEvent } from './types.js';

type Chunk = Uint8Array | string;

function makeReader(
  options: X12ReadOptions,
  keepSegments: boolean,
): { tokenizer: X12Tokenizer; envelope: EnvelopeReader } {
  return {
    tokenizer: new X12Tokenizer(options.maxSegmentLength),
    envelope: new EnvelopeReader({ strictEnvelope: options.strictEnvelope ?? true, keepSegments }),
  };
}

/** Reads a whole X12 document. Never throws on bad input: problems come back as issues. */
export function parseX12(input: string | Uint8Array, options: X12ReadOptions = {}): X12ParseResult {
  const text =
    typeof input === 'string' ? input : new TextDecoder('utf-8', { ignoreBOM: true }).decode(input);
  const { tokenizer, envelope } = makeReader(options, true);
  const interchanges: X12Interchange[] = [];
  const take = (events: X12StreamEvent[]): void => {
    for (const event of events) {
      // keepSegments makes every set in the tree a full X12TransactionSet.
      if (event.kind === 'interchange') interchanges.push(event.interchange as X12Interchange);
    }
  };
  const feed = (tokens: TokenEvent[]): void => {
    for (const token of tokens) take(envelope.handle(token));
  };
  feed(tokenizer.push(text));
  feed(tokenizer.end());
  take(envelope.finish());
  return { interchanges, issues: envelope.allIssues };
}

/**
 * Streams an X12 file: yields each transaction set as soon as its SE (or the point where it
 * is known to be unterminated) arrives, then an `interchange` event with the envelope results
 * (sets as summaries, without segments). Memory stays at one chunk plus one open set.
 */
export async function* readX12Stream(
  source: AsyncIterable<Chunk> | Iterable<Chunk>,
  options: X12ReadOptions = {},
): AsyncGenerator<X12StreamEvent, void, undefined> {
  const { tokenizer, envelope } = makeReader(options, false);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  for await (const chunk of source) {
    const text =
      typeof chunk === 'string' ? decoder.decode() + chunk : decoder.decode(chunk, { stream: true });
    for (const token of tokenizer.push(text)) yield* envelope.handle(token);
  }
  for (const token of tokenizer.push(decoder.decode())) yield* envelope.handle(token);
  for (const token of tokenizer.end()) yield* envelope.handle(token);
  yield* envelope.finish();
}

/**
 * Lowest level: yields segments (with the delimiters in force) and tokenizer issues, without
 * envelope bookkeeping. For a single transaction set too large to hold, e.g. a 846 with
 * millions of lines.
 */
export async function* readX12Segments(
  source: AsyncIterable<Chunk> | Iterable<Chunk>,
  options: X12ReadOptions = {},
): AsyncGenerator<TokenEvent, void, undefined> {
  const tokenizer = new X12Tokenizer(options.maxSegmentLength);
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  for await (const chunk of source) {
    yield* tokenizer.push(
      typeof chunk === 'string' ? decoder.decode() + chunk : decoder.decode(chunk, { stream: true }),
    );
  }
  yield* tokenizer.push(decoder.decode());
  yield* tokenizer.end();
}
