import type { CanonicalMessageType, MessageOf } from '../../../../modules/integration/canonical.js';
import type { X12SegmentData } from '../types.js';
import type { MapContext } from './common.js';

/** One transaction set's mapping, both directions. */
export interface SetMapping<T extends CanonicalMessageType> {
  setId: string;
  functionalId: string;
  messageType: T;
  /** Messages as read; the dispatcher validates them with the canonical zod schema. */
  read(ctx: MapContext): MessageOf<T>[];
  /**
   * For sets that can be too large to hold (an 846 with a line per part of a warehouse): reads
   * the set segment by segment into one message whose lines are taken out as they complete.
   * `read` and `stream` give the same message and the same issues.
   */
  stream?(ctx: MapContext): StreamingSetReader<MessageOf<T>>;
  /** Segments between ST and SE. */
  write(message: MessageOf<T>): X12SegmentData[];
}

type LinesOf<M> = M extends { lines: Array<infer L> } ? L[] : never;

/** A set's mapping fed one segment at a time (see SetMapping.stream). */
export interface StreamingSetReader<M> {
  accept(segment: X12SegmentData): void;
  /** Lines complete so far, in order; they leave the reader. */
  takeLines(): LinesOf<M>;
  readonly linesReady: number;
  /** Whether the message's header can no longer change (details have started, or the set ended). */
  readonly headerComplete: boolean;
  /** The message without its lines: undefined until known, null when the set cannot make one. */
  head(): Omit<M, 'lines'> | null | undefined;
  /** Ends the set: the last lines are complete and set-level checks reported. */
  finish(): void;
}
