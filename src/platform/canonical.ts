import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so the same value always hashes the same,
 * whichever store returned it and in whatever key order.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * The value with every object's keys in sorted order. A plain object whose keys are already
 * in order, holding nothing that needs reordering, is returned as it is rather than copied:
 * an import batch's audit record lists thousands of objects built in key order, and copying
 * each was a third of the record's cost. Anything else (keys out of order, a Date, a class
 * instance) is copied as before, key by key, so the text is the same either way (tested
 * against the copying version in canonical.test.ts); the audit chain depends on it.
 */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const sorted = sortKeys(item);
      if (out === null && sorted !== item) out = value.slice(0, i);
      if (out !== null) out.push(sorted);
    }
    return out ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // An own "__proto__" key is dropped by the copy below (assigning it sets the copy's
  // prototype) but would be written by JSON.stringify: such an object takes the copy.
  if (isPlainObject(record) && ascending(keys) && !keys.includes('__proto__')) {
    let out: Record<string, unknown> | null = null;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const item = record[key];
      const sorted = sortKeys(item);
      if (out === null && sorted !== item) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j] as string] = record[keys[j] as string];
      }
      if (out !== null) out[key] = sorted;
    }
    return out ?? record;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys.sort()) {
    const v = record[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function ascending(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) >= (keys[i] as string)) return false;
  return true;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
