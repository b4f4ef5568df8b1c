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
  /** Segments between ST and SE. */
  write(message: MessageOf<T>): X12SegmentData[];
}
