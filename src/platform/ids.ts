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
  let lastTime = -1;
  let lastTail: number[] = [];
  return {
    next(prefix) {
      const now = clock.now().getTime();
      let tail: number[];
      if (now <= lastTime) {
        tail = increment(lastTail);
      } else {
        lastTime = now;
        tail = Array.from(random.bytes(12), (b) => b % 32);
        tail[0] = (tail[0] ?? 0) % 16; // headroom so increments do not overflow
      }
      lastTail = tail;
      let time = lastTime;
      let head = '';
      for (let i = 0; i < 10; i++) {
        head = ALPHABET[time % 32] + head;
        time = Math.floor(time / 32);
      }
      return `${prefix}_${head}${tail.map((d) => ALPHABET[d]).join('')}`;
    },
  };
}

function increment(digits: number[]): number[] {
  const out = [...digits];
  for (let i = out.length - 1; i >= 0; i--) {
    const d = (out[i] ?? 0) + 1;
    if (d < 32) {
      out[i] = d;
      return out;
    }
    out[i] = 0;
  }
  return out;
}
