import type { Clock } from './clock.js';
import type { Random } from './random.js';

// Crockford base32: ids sort by creation time and read unambiguously over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export interface IdGenerator {
  /** A time-ordered id with a readable prefix, e.g. `rsv_01J...`. */
  next(prefix: string): string;
}

export function createIdGenerator(clock: Clock, random: Random): IdGenerator {
  // Monotonic within a process: ids made in the same millisecond still sort in creation order.
  // The time part is encoded once per millisecond and the random part counted up in place:
  // an import makes an id per row (100,000 ids took 90 ms built afresh each time).
  let lastTime = -1;
  let head = '';
  const tail = new Uint8Array(TAIL_DIGITS);
  return {
    next(prefix) {
      const now = clock.now().getTime();
      if (now <= lastTime) {
        increment(tail);
      } else {
        lastTime = now;
        const bytes = random.bytes(TAIL_DIGITS);
        for (let i = 0; i < TAIL_DIGITS; i++) tail[i] = (bytes[i] ?? 0) % 32;
        tail[0] = (tail[0] ?? 0) % 16; // headroom so increments do not overflow
        head = encodeTime(now);
      }
      let text = `${prefix}_${head}`;
      for (let i = 0; i < TAIL_DIGITS; i++) text += ALPHABET[tail[i] ?? 0];
      return text;
    },
  };
}

const TAIL_DIGITS = 12;

function encodeTime(ms: number): string {
  let time = ms;
  let head = '';
  for (let i = 0; i < 10; i++) {
    head = ALPHABET[time % 32] + head;
    time = Math.floor(time / 32);
  }
  return head;
}

/** Adds one to the base-32 digits, carrying; all 31s wrap to all 0s. */
function increment(digits: Uint8Array): void {
  for (let i = digits.length - 1; i >= 0; i--) {
    const d = (digits[i] ?? 0) + 1;
    if (d < 32) {
      digits[i] = d;
      return;
    }
    digits[i] = 0;
  }
}
