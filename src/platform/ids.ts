import type { Clock } from './clock.js';
import type { Random } from './random.js';

// Crockford base32: ids sort by creation time and read unambiguously over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export interface IdGenerator {
  /** A time-ordered id with a readable prefix, e.g. `rsv_01J...`. */
  next(prefix: string): string;
}

export function createIdGenerator(clock: Clock, random: Random): IdGenerator {
  return {
    next(prefix) {
      let time = clock.now().getTime();
      let head = '';
      for (let i = 0; i < 10; i++) {
        head = ALPHABET[time % 32] + head;
        time = Math.floor(time / 32);
      }
      let tail = '';
      for (const byte of random.bytes(12)) tail += ALPHABET[byte % 32];
      return `${prefix}_${head}${tail}`;
    },
  };
}
