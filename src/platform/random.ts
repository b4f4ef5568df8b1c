import { randomBytes } from 'node:crypto';

/** Randomness is injected so that a failing test can be replayed from its seed. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  bytes(n: number): Uint8Array;
}

export const cryptoRandom: Random = {
  next: () => randomBytes(4).readUInt32BE(0) / 2 ** 32,
  bytes: (n) => randomBytes(n),
};

/** mulberry32: small, fast and good enough for test data and demo seeding. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  };
}
