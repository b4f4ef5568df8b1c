import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalMessage } from '../../../modules/integration/canonical.js';
import {
  readX12Canonical,
  readX12Stream,
  toCanonical,
  type X12CanonicalEvent,
  type X12Issue,
} from './index.js';

const ROOT = join(import.meta.dirname, '../../../../test/fixtures/x12');
const fixtures: Array<[string, Buffer]> = [];
const walk = (dir: string): void => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else fixtures.push([path.slice(ROOT.length + 1), readFileSync(path)]);
  }
};
walk(ROOT);

const issueView = (found: X12Issue) => ({ ...found });

/** What the whole-set route gives: readX12Stream, toCanonical per set, long messages split. */
async function wholeSets(chunks: Iterable<string | Uint8Array>, maxLines: number, strictEnvelope = true) {
  const out: unknown[] = [];
  for await (const event of readX12Stream(chunks, { strictEnvelope })) {
    if (event.kind !== 'set') {
      out.push(event);
      continue;
    }
    const { interchange, group, set } = event;
    const ref = { interchange, group, set: { id: set.id, controlNumber: set.controlNumber } };
    const mapped = toCanonical(set);
    if (!mapped.issues.some((found) => found.severity === 'error'))
      for (const message of mapped.messages) {
        const lines = (message as { lines?: unknown[] }).lines;
        if (!Array.isArray(lines) || lines.length <= maxLines)
          out.push({ kind: 'message', ...ref, part: 0, message });
        else
          for (let at = 0, part = 0; at < lines.length; at += maxLines, part++)
            out.push({
              kind: 'message',
              ...ref,
              part,
              message: { ...message, lines: lines.slice(at, at + maxLines) },
            });
      }
    const { segments: _s, ...summary } = set;
    out.push({ kind: 'set', ...ref, set: summary, issues: mapped.issues.map(issueView) });
  }
  return out;
}

async function streamed(chunks: Iterable<string | Uint8Array>, maxLines: number, strictEnvelope = true) {
  const out: X12CanonicalEvent[] = [];
  for await (const event of readX12Canonical(chunks, { maxLines, strictEnvelope })) out.push(event);
  return out;
}

/**
 * The streamed events, with each set's messages moved to just before the set's own event and
 * dropped when the set is refused: the order and content the whole-set route has.
 */
function asWhole(events: X12CanonicalEvent[]): unknown[] {
  const out: unknown[] = [];
  let held: X12CanonicalEvent[] = [];
  for (const event of events) {
    if (event.kind === 'message') held.push(event);
    else if (event.kind === 'set') {
      if (!event.issues.some((found) => found.severity === 'error')) out.push(...held);
      held = [];
      out.push({ ...event, issues: event.issues.map(issueView) });
    } else out.push(event);
  }
  return out;
}

const ISA = (control: string) =>
  `ISA*00*          *00*          *ZZ*WMS            *ZZ*HUB            *261125*0600*U*00401*${control}*0*P*>~`;

/** An interchange of one 846 group around the given set bodies (segments between ST and SE). */
function interchange(sets: string[][], control = '000000001'): string {
  const parts = [ISA(control), 'GS*IB*WMS*HUB*20261125*0600*1*X*004010~'];
  sets.forEach((body, i) => {
    const st = String(i + 1).padStart(4, '0');
    parts.push(`ST*846*${st}~`, ...body.map((s) => `${s}~`), `SE*${body.length + 2}*${st}~`);
  });
  parts.push(`GE*${sets.length}*1~`, `IEA*1*${control}~`);
  return parts.join('\n');
}

function adviceBody(lines: number, location = 'WH-1'): string[] {
  const body = ['BIA*00*DD*INV-1*20261125', `N1*WH*Warehouse*92*${location}`];
  for (let i = 1; i <= lines; i++) body.push(`LIN*${i}*VP*P-${i}`, `QTY*17*${i % 7}*EA`);
  body.push(`CTT*${lines}`);
  return body;
}

// Segments an 846 may carry, good and bad, for the property below.
const segment = fc.oneof(
  fc.constantFrom(
    'BIA*00*DD*INV-9*20261125',
    'BIA*00*DD**20261125',
    'BIA*00*DD*INV-9*2026',
    'BIA*00*DD*INV-9',
    'N1*WH*Main*92*WH-1',
    'N1*WH*Other',
    'N3*Street 1',
    'PID*F****A description',
    'DTM*405*20261125',
    'QTY*17**EA',
    'QTY*17*x*EA',
    'QTY*33*4',
    'QTY*17*-2*EA',
    `QTY*17*${'9'.repeat(400)}*EA`,
    'QTY*63*3*CS',
    'QTY*17*2.5*EA>1',
    'UIT*CS',
    'UIT*',
    'LIN*9',
    'LIN**BP*B-1*VP*V-1',
    'REF*ZZ*x',
    'CTT*1',
  ),
  fc
    .tuple(fc.integer({ min: 1, max: 99 }), fc.constantFrom('VP', 'BP', 'MG', 'SK'))
    .map(([n, q]) => `LIN*${n}*${q}*P-${n}`),
  fc.integer({ min: 0, max: 50 }).map((n) => `QTY*17*${n}*EA`),
);

describe('readX12Canonical', () => {
  it('gives the messages and issues of readX12Stream plus toCanonical, for every fixture', async () => {
    for (const [name, bytes] of fixtures)
      for (const strict of [true, false])
        for (const maxLines of [1, 2, 5000])
          expect(asWhole(await streamed([bytes], maxLines, strict)), `${name} ${maxLines} ${strict}`).toEqual(
            await wholeSets([bytes], maxLines, strict),
          );
  });

  it('cuts an 846 where a whole-set read would split it, with or without BIA first', async () => {
    for (const lines of [0, 1, 4, 5, 6, 10, 11])
      for (const maxLines of [1, 5, 100]) {
        const body = adviceBody(lines);
        const late = [...body.slice(1, 4), body[0]!, ...body.slice(4)];
        const sizes = (n: number) =>
          n <= maxLines
            ? [n]
            : Array.from({ length: Math.ceil(n / maxLines) }, (_x, i) =>
                Math.min(maxLines, n - i * maxLines),
              );
        for (const [text, expected] of [
          [interchange([body]), sizes(lines)],
          [interchange([late, body]), [...sizes(lines), ...sizes(lines)]],
        ] as const) {
          const events = await streamed([text], maxLines);
          expect(asWhole(events)).toEqual(await wholeSets([text], maxLines));
          const messages = events.filter((e) => e.kind === 'message');
          expect(messages.map((m) => (m.message as { lines: unknown[] }).lines.length)).toEqual(expected);
        }
      }
  });

  it('hands out an 846 in parts before its SE arrives, without holding the set', async () => {
    const text = interchange([adviceBody(20_000)]);
    const se = text.indexOf('SE*');
    const size = 4096;
    let consumed = 0;
    function* source() {
      for (let at = 0; at < text.length; at += size) {
        consumed = at + size;
        yield text.slice(at, at + size);
      }
    }
    const seenAt: number[] = [];
    let lines = 0;
    for await (const event of readX12Canonical(source(), { maxLines: 1000 })) {
      if (event.kind !== 'message') continue;
      seenAt.push(consumed);
      lines += (event.message as CanonicalMessage & { lines: unknown[] }).lines.length;
    }
    expect(lines).toBe(20_000);
    expect(seenAt).toHaveLength(20);
    // The first part leaves once its thousand lines are read, long before the set ends.
    expect(seenAt[0]!).toBeLessThan(se / 10);
  });

  it('names the line at fault as a whole-set read would, and stops handing out a refused set', async () => {
    const body = adviceBody(7);
    body[13] = `QTY*17*${'9'.repeat(400)}*EA`; // line 6 (index 5): not a finite number, the schema refuses it
    const text = interchange([body]);
    const events = await streamed([text], 2);
    const set = events.find((e) => e.kind === 'set')!;
    expect(set.kind === 'set' && set.issues.filter((i) => i.severity === 'error')).toEqual([
      expect.objectContaining({
        code: 'X12_MAPPING_SCHEMA',
        message: expect.stringContaining('lines.5.quantity'),
      }),
    ]);
    // Parts before the fault came out; none from it on.
    expect(events.filter((e) => e.kind === 'message')).toHaveLength(2);
    const reference = (await wholeSets([text], 2)).find((e) => (e as { kind: string }).kind === 'set') as {
      issues: X12Issue[];
    };
    expect(reference.issues.map((i) => i.code)).toEqual(['X12_MAPPING_SCHEMA']);
    expect(reference.issues[0]!.message).toContain('lines.5.quantity');
  });

  it('agrees with the whole-set route on any 846, cut anywhere (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(segment, { maxLength: 30 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.boolean(),
        async (sets, maxLines, cuts, strict) => {
          const bytes = Buffer.from(interchange(sets));
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks: Buffer[] = [];
          let from = 0;
          for (const p of points) {
            chunks.push(bytes.subarray(from, p));
            from = p;
          }
          chunks.push(bytes.subarray(from));
          const got = asWhole(await streamed(chunks, maxLines, strict));
          const want = await wholeSets([bytes], maxLines, strict);
          // A schema failure names the first failing part's lines rather than every bad line,
          // and is known when that part fails, so it may come before issues found later in
          // the set: the same issues, compared in a fixed order.
          const key = (i: { code: string; message?: string }) => `${i.code}\u0000${i.message ?? ''}`;
          const trim = (events: unknown[]) =>
            events.map((e) =>
              (e as { kind: string }).kind === 'set'
                ? {
                    ...(e as object),
                    issues: (e as { issues: X12Issue[] }).issues
                      .map((i) =>
                        i.code === 'X12_MAPPING_SCHEMA' ? { code: i.code, severity: i.severity } : i,
                      )
                      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)),
                  }
                : e,
            );
          expect(trim(got)).toEqual(trim(want));
        },
      ),
      { numRuns: 300 },
    );
  });
});
