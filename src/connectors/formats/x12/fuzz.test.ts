import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  build997,
  isKnownIssueCode,
  parseX12,
  readX12Stream,
  toCanonical,
  writeX12,
  X12WriteError,
  type X12ParseResult,
} from './index.js';

const ROOT = join(import.meta.dirname, '../../../../test/fixtures/x12');
const fixtures: Buffer[] = [];
const walk = (dir: string): void => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else fixtures.push(readFileSync(path));
  }
};
walk(ROOT);

const summary = (result: X12ParseResult): string[] =>
  result.interchanges.flatMap((ic) =>
    ic.groups.flatMap((group) =>
      group.sets.map(
        (set) =>
          `${set.id}/${set.controlNumber}/${set.actualSegmentCount}/${set.accepted}/${set.issues.map((i) => i.code).join(',')}`,
      ),
    ),
  );

async function streamSummary(chunks: Uint8Array[]): Promise<string[]> {
  const out: string[] = [];
  for await (const event of readX12Stream(chunks)) {
    if (event.kind === 'set')
      out.push(
        `${event.set.id}/${event.set.controlNumber}/${event.set.actualSegmentCount}/${event.set.accepted}/${event.set.issues.map((i) => i.code).join(',')}`,
      );
  }
  return out;
}

function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const point of points) {
    out.push(bytes.subarray(from, point));
    from = point;
  }
  out.push(bytes.subarray(from));
  return out;
}

/** Parses and checks the reader's promises: no throw, quick, every rejection coded. */
function checkRobust(input: Uint8Array | string): void {
  const started = performance.now();
  const result = parseX12(input, { strictEnvelope: false });
  for (const found of result.issues) expect(isKnownIssueCode(found.code), found.code).toBe(true);
  for (const ic of result.interchanges) {
    for (const group of ic.groups) {
      for (const set of group.sets) {
        if (!set.accepted)
          expect(set.issues.some((found) => found.severity === 'error' && isKnownIssueCode(found.code))).toBe(
            true,
          );
        for (const found of toCanonical(set).issues) expect(isKnownIssueCode(found.code)).toBe(true);
      }
    }
    const ack = build997(ic, { controlNumber: 1, now: new Date(0) });
    try {
      writeX12(ack);
    } catch (error) {
      // Only an echoed id that holds one of the 997's own delimiters can refuse to be written.
      expect(error).toBeInstanceOf(X12WriteError);
    }
  }
  expect(performance.now() - started).toBeLessThan(2000);
}

describe('streaming', () => {
  it('yields the same sets as parseX12 for every fixture in random chunks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(fixtures.length - 1),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (index, cuts) => {
          const bytes = fixtures[index]!;
          expect(await streamSummary(chunk(bytes, cuts))).toEqual(summary(parseX12(bytes)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('streams a generated 846 of 200k lines without holding it', async () => {
    const setCount = 1000;
    const linesPerSet = 100;
    let produced = 0;
    let producedAtFirstSet = -1;
    function* source(): Generator<string> {
      yield 'ISA*00*          *00*          *ZZ*SUPPLIER       *ZZ*SPAREHUB       *260304*0506*U*00401*000000001*0*P*>~\nGS*IB*SUPPLIER*SPAREHUB*20260304*0506*1*X*004010~\n';
      for (let s = 1; s <= setCount; s++) {
        const parts = [`ST*846*${String(s).padStart(4, '0')}~\nBIA*00*DD*DOC${s}*20260304~\n`];
        for (let l = 1; l <= linesPerSet; l++) parts.push(`LIN*${l}*VP*PART-${s}-${l}~\nQTY*17*${l}*EA~\n`);
        parts.push(`SE*${linesPerSet * 2 + 3}*${String(s).padStart(4, '0')}~\n`);
        produced++;
        yield parts.join('');
      }
      yield `GE*${setCount}*1~\nIEA*1*000000001~\n`;
    }
    const heapBefore = process.memoryUsage().heapUsed;
    let sets = 0;
    let lines = 0;
    let peakHeap = 0;
    let accepted = false;
    for await (const event of readX12Stream(source())) {
      if (event.kind === 'set') {
        if (producedAtFirstSet < 0) producedAtFirstSet = produced;
        sets++;
        const [message] = toCanonical(event.set).messages;
        if (message?.type === 'inventory.advice') lines += message.lines.length;
        if (sets % 100 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - heapBefore);
      } else if (event.kind === 'interchange') {
        accepted = event.interchange.accepted;
        expect(event.interchange.groups[0]!.sets).toHaveLength(setCount);
        expect('segments' in event.interchange.groups[0]!.sets[0]!).toBe(false);
      }
    }
    expect(sets).toBe(setCount);
    expect(lines).toBe(setCount * linesPerSet);
    expect(accepted).toBe(true);
    // The first set came out while the source had produced only the first few sets.
    expect(producedAtFirstSet).toBeLessThan(3);
    // 200k lines are ~5 MB of text and far more as parsed objects; the reader never holds them.
    expect(peakHeap).toBeLessThan(60 * 1024 * 1024);
  });
});

describe('fuzzing', () => {
  it('survives random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => checkRobust(bytes)),
      { numRuns: 300 },
    );
  });

  it('survives random text that starts like an ISA', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.constantFrom('*', '~', '|', '\n', '>'), (text, sep) =>
        checkRobust(`ISA${sep}${text}`),
      ),
      { numRuns: 300 },
    );
  });

  it('survives mutated fixtures: byte flips, truncation, deleted and duplicated segments, swapped delimiters', () => {
    const mutation = fc.oneof(
      fc.record({
        kind: fc.constant('flip' as const),
        at: fc.nat(),
        value: fc.integer({ min: 0, max: 255 }),
      }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('swap' as const),
        a: fc.constantFrom('*', '~', '>', '\n', ':', '|'),
        b: fc.constantFrom('*', '~', '>', '\n', ':', '|'),
      }),
    );
    fc.assert(
      fc.property(
        fc.nat(fixtures.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (index, mutations) => {
          let text = fixtures[index]!.toString('latin1');
          for (const m of mutations) {
            if (m.kind === 'flip') {
              const at = m.at % Math.max(1, text.length);
              text = text.slice(0, at) + String.fromCharCode(m.value) + text.slice(at + 1);
            } else if (m.kind === 'truncate') text = text.slice(0, m.at % (text.length + 1));
            else if (m.kind === 'swap')
              text = text
                .split(m.a)
                .map((part) => part.split(m.b).join(m.a))
                .join(m.b);
            else {
              const segments = text.split('~');
              const at = m.at % Math.max(1, segments.length);
              if (m.kind === 'delete') segments.splice(at, 1);
              else segments.splice(at, 0, segments[at] ?? '');
              text = segments.join('~');
            }
          }
          checkRobust(Buffer.from(text, 'latin1'));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('rejects every mutated set that lost a segment, with a code', () => {
    const base = fixtures
      .map((bytes) => bytes.toString('utf8'))
      .filter((text) => {
        const result = parseX12(text);
        return (
          result.issues.length === 0 &&
          result.interchanges.every((ic) => ic.header.delimiters.segment === '~')
        );
      });
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.nat(), (index, at) => {
        const segments = base[index]!.split('~');
        const body = segments
          .map((segment, k) => ({ segment: segment.replace(/^\uFEFF/, '').trim(), k }))
          .filter(({ segment }) => !/^(ISA|GS|ST|SE|GE|IEA)\b/.test(segment) && segment !== '');
        const victim = body[at % body.length]!;
        segments.splice(victim.k, 1);
        const result = parseX12(segments.join('~'));
        expect(result.issues.map((found) => found.code)).toContain('X12_SE_COUNT_MISMATCH');
      }),
      { numRuns: 100 },
    );
  });
});
