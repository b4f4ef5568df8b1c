import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalMessageSchema } from '../../../modules/integration/canonical.js';
import {
  MAPPED_SET_IDS,
  parseX12,
  readX12Stream,
  toCanonical,
  type X12Issue,
  type X12TransactionSet,
} from './index.js';

const ROOT = join(import.meta.dirname, '../../../../test/fixtures/x12');
const files: string[] = [];
const walk = (dir: string): void => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(relative(ROOT, path));
  }
};
walk(ROOT);
files.sort();

const BROKEN = new Set([
  'EdiEngine/940_Failed_SE01.edi',
  'EdiEngine/ControlNumbersMismatch.edi',
  'stupidedi/004010_SH856_fail_2.edi',
]);
/** Envelope trailer discrepancies, as read: file -> exact issue messages. */
const TRAILER_DISCREPANCIES: Record<string, string[]> = {
  'EDI.Net/x12.850.edi': ['IEA02 says control number 000000001, ISA13 is 000000055'],
  'EDI.Net/x12.850a.edi': ['IEA02 says control number 000000001, ISA13 is 000000055'],
  'X12Parser/940_simplot.txt': [
    'GE02 says control number 940001777, GS06 is 177818711',
    'IEA02 says control number 940001777, ISA13 is 398161180',
  ],
  'X12Parser/945_inter-americanproducts.txt': ['GE02 says control number 31, GS06 is 20021104'],
};

const read = (file: string): Buffer => readFileSync(join(ROOT, file));
const setsOf = (file: string, strictEnvelope = false): X12TransactionSet[] =>
  parseX12(read(file), { strictEnvelope }).interchanges.flatMap((ic) =>
    ic.groups.flatMap((group) => group.sets),
  );
const errors = (issues: X12Issue[]): X12Issue[] => issues.filter((found) => found.severity === 'error');

describe('every X12 fixture', () => {
  it('finds all fixture files', () => {
    expect(files.length).toBeGreaterThanOrEqual(41);
  });

  for (const file of files) {
    it(`reads ${file}`, async () => {
      const bytes = read(file);
      const result = parseX12(bytes, { strictEnvelope: false });
      expect(result.interchanges.length).toBeGreaterThan(0);
      const sets = result.interchanges.flatMap((ic) => ic.groups.flatMap((group) => group.sets));
      expect(sets.length).toBeGreaterThan(0);
      if (BROKEN.has(file)) {
        expect(sets.some((set) => !set.accepted)).toBe(true);
      } else {
        for (const set of sets) {
          expect(set.accepted, `${file} ${set.id} ${set.controlNumber}: ${JSON.stringify(set.issues)}`).toBe(
            true,
          );
          expect(set.declaredSegmentCount).toBe(set.actualSegmentCount);
          expect(set.segments.length).toBe(set.actualSegmentCount - 2);
        }
        const envelopeErrors = result.interchanges.flatMap((ic) => ic.reasons.map((found) => found.message));
        expect(envelopeErrors).toEqual(TRAILER_DISCREPANCIES[file] ?? []);
      }
      // Each mapped set gives a canonical message that the schema accepts.
      for (const set of sets.filter((candidate) => candidate.accepted)) {
        const mapped = toCanonical(set);
        if (MAPPED_SET_IDS.includes(set.id)) {
          expect(mapped.messages.length, `${file} ${set.id}: ${JSON.stringify(mapped.issues)}`).toBe(1);
          for (const message of mapped.messages)
            expect(canonicalMessageSchema.safeParse(message).success).toBe(true);
        } else {
          expect(mapped.issues.map((found) => [found.code, found.severity])).toEqual([
            ['X12_SET_NOT_MAPPED', 'info'],
          ]);
        }
      }
      // The stream reader yields the same sets.
      const streamed: string[] = [];
      for await (const event of readX12Stream([bytes]))
        if (event.kind === 'set')
          streamed.push(
            `${event.set.id}/${event.set.controlNumber}/${event.set.actualSegmentCount}/${event.set.accepted}`,
          );
      expect(streamed).toEqual(
        sets.map((set) => `${set.id}/${set.controlNumber}/${set.actualSegmentCount}/${set.accepted}`),
      );
    });
  }
});

describe('known broken files', () => {
  it('rejects 940_Failed_SE01: SE01 says 12, the set has 9', () => {
    const [set] = setsOf('EdiEngine/940_Failed_SE01.edi');
    expect(set!.accepted).toBe(false);
    expect(set!.issues.map((found) => [found.code, found.message])).toEqual([
      ['X12_SE_COUNT_MISMATCH', 'SE01 says 12 segments, transaction set 20066 has 9'],
    ]);
  });

  it('rejects ControlNumbersMismatch naming SE02, GE02 and IEA02', () => {
    const result = parseX12(read('EdiEngine/ControlNumbersMismatch.edi'), { strictEnvelope: true });
    const set = result.interchanges[0]!.groups[0]!.sets[0]!;
    expect(set.accepted).toBe(false);
    expect(errors(result.issues).map((found) => [found.code, found.message])).toEqual([
      ['X12_SE_CONTROL_MISMATCH', 'SE02 says control number 0002, ST02 is 0001'],
      ['X12_GE_CONTROL_MISMATCH', 'GE02 says control number 3315, GS06 is 3314'],
      ['X12_IEA_CONTROL_MISMATCH', 'IEA02 says control number 000003439, ISA13 is 000003438'],
    ]);
    expect(result.interchanges[0]!.accepted).toBe(false);
  });

  it('rejects stupidedi SH856 fail 2: three segments lost their terminator, SE01 says 25', () => {
    const [set] = setsOf('stupidedi/004010_SH856_fail_2.edi');
    expect(set!.accepted).toBe(false);
    expect(set!.issues.map((found) => [found.code, found.message])).toEqual([
      ['X12_SE_COUNT_MISMATCH', 'SE01 says 25 segments, transaction set 0000001 has 22'],
    ]);
  });
});

describe('envelope trailer discrepancies', () => {
  for (const [file, messages] of Object.entries(TRAILER_DISCREPANCIES)) {
    it(`${file}: refused when strict, accepted with the discrepancy when lenient`, () => {
      const strict = parseX12(read(file), { strictEnvelope: true }).interchanges[0]!;
      const lenient = parseX12(read(file), { strictEnvelope: false }).interchanges[0]!;
      expect(strict.accepted).toBe(false);
      expect(strict.reasons.map((found) => found.message)).toEqual(messages);
      expect(lenient.accepted).toBe(true);
      expect(lenient.reasons.map((found) => found.message)).toEqual(messages);
      // The sets themselves are fine either way.
      expect(lenient.groups.flatMap((group) => group.sets).every((set) => set.accepted)).toBe(true);
    });
  }

  it('x12.850.issue135: one segment without terminator, reused ST02; trailers agree', () => {
    const result = parseX12(read('EDI.Net/x12.850.issue135.edi'), { strictEnvelope: true });
    const ic = result.interchanges[0]!;
    expect(ic.accepted).toBe(true);
    expect(result.issues.map((found) => found.code)).toEqual([
      'X12_ISA_COMPONENT_SEPARATOR_MISSING',
      'X12_SEGMENT_TERMINATOR_MISSING',
      'X12_DUPLICATE_SET_CONTROL',
    ]);
    expect(ic.groups[0]!.sets.map((set) => [set.controlNumber, set.actualSegmentCount])).toEqual([
      ['0001', 87],
      ['0001', 95],
    ]);
  });
});

describe('concrete values from the files', () => {
  it('MultipleInterchangesAndGroups: two interchanges, two groups each, every set out', () => {
    const result = parseX12(read('EdiEngine/MultipleInterchangesAndGroups.edi'));
    expect(result.interchanges.map((ic) => ic.header.controlNumber)).toEqual(['000003438', '000003439']);
    expect(
      result.interchanges.map((ic) =>
        ic.groups.map(
          (group) => `${group.header.controlNumber}:${group.sets.map((set) => set.controlNumber).join(',')}`,
        ),
      ),
    ).toEqual([
      ['3313:0001,0002', '3314:0001'],
      ['3315:0001,0002', '3316:0001'],
    ]);
    expect(result.interchanges.every((ic) => ic.accepted)).toBe(true);
    expect(result.issues).toEqual([]);
  });

  it('846 Example1: header, delimiters ~ > } and the LIN numbers', () => {
    const ic = parseX12(read('X12Parser/846_Example1.txt')).interchanges[0]!;
    expect(ic.header).toMatchObject({
      senderQualifier: '01',
      senderId: '322341109',
      receiverId: 'SANMINACORP',
      controlNumber: '000001979',
      version: '00401',
      usageIndicator: 'P',
    });
    expect(ic.header.delimiters).toEqual({ element: '~', component: '>', segment: '}' });
    const set = ic.groups[0]!.sets[0]!;
    const [message] = toCanonical(set).messages;
    expect(message).toMatchObject({ type: 'inventory.advice', documentId: '10353', asOf: '2004-08-11' });
    if (message?.type !== 'inventory.advice') throw new Error('not an advice');
    expect(message.lines.map((line) => line.quantity)).toEqual([5250, 100, 50, 75]);
    expect(message.lines[0]!.item).toEqual({
      partNumber: '46L5055',
      scheme: 'buyer',
      otherNumbers: { 'x12:EC': '5V', 'x12:MF': 'XYZ Corporation', manufacturer: '1234123232' },
    });
  });

  it('180 from Lowes: repetition separator ^ (00500), terminator backslash, multibyte receiver id', () => {
    const ic = parseX12(read('X12Parser/180_FromLowes.txt')).interchanges[0]!;
    expect(ic.header.delimiters).toEqual({ element: '*', component: '>', segment: '\\', repetition: '^' });
    expect(ic.header.receiverId).toBe('receiver\u2019s id');
    const [message] = toCanonical(ic.groups[0]!.sets[0]!).messages;
    expect(message).toMatchObject({
      type: 'return.authorization',
      rmaNumber: '123401',
      lines: [{ quantity: 12, uom: 'EA', reason: 'KA', item: { partNumber: 'CM_999_99999999999' } }],
    });
  });

  it('855 from node-x12: ACK line statuses IA / IR', () => {
    const [set] = setsOf('node-x12/855.edi');
    const [message] = toCanonical(set!).messages;
    if (message?.type !== 'purchase.order.ack') throw new Error('not an ack');
    expect(message.poNumber).toBe('POTEST1112');
    expect(
      message.lines.map((line) => [line.item.partNumber, line.status, line.quantity, line.orderedQuantity]),
    ).toEqual([
      ['9780446360265', 'accepted', 3, 3],
      ['9780767928427', 'rejected', 0, 2],
      ['9780099599531', 'rejected', 0, 1],
      ['9780446360272', 'accepted', 2, 2],
    ]);
  });

  it('856 edi1Source: HL order level gives the PO, LIN VP is the primary part number', () => {
    const [set] = setsOf('X12Parser/856_edi1Source.txt');
    const [message] = toCanonical(set!).messages;
    expect(message).toMatchObject({
      type: 'ship.notice',
      shipmentId: '829716',
      trackingNumber: '5787970539',
      lines: [
        {
          item: { partNumber: '87787D', scheme: 'vendor', otherNumbers: { upc: '999999310145' } },
          quantity: 24,
          poNumber: '99999817',
        },
        { item: { partNumber: '99887D', scheme: 'vendor' }, quantity: 6, poNumber: '99999817' },
      ],
    });
  });

  it('945: shipped vs ordered, status from W12, falls back to W0604 for the order id', () => {
    const [set] = setsOf('X12Parser/945_inter-americanproducts.txt');
    const result = toCanonical(set!);
    expect(result.messages[0]).toMatchObject({
      orderId: '2144',
      lines: [
        {
          item: { partNumber: '339408', scheme: 'buyer' },
          quantity: 120,
          orderedQuantity: 120,
          status: 'shipped',
        },
        {},
        {},
      ],
    });
    expect(result.issues.filter((found) => found.severity !== 'info').map((found) => found.code)).toEqual([
      'X12_MAPPING_DEFAULTED',
    ]);
  });

  it('944: receipt lines with lot numbers', () => {
    const [set] = setsOf('node-x12-edi/944.edi');
    const [message] = toCanonical(set!).messages;
    if (message?.type !== 'stock.transfer_receipt') throw new Error('not a receipt');
    expect(message.transferId).toBe('0450366097');
    expect(message.lines.map((line) => line.lot)).toEqual([
      '22413962',
      '22413963',
      '22413964',
      '22413965',
      '22413966',
    ]);
    expect(
      message.lines.every(
        (line) => line.quantity === 120 && line.uom === 'CA' && line.item.partNumber === '100000154',
      ),
    ).toBe(true);
  });

  it('positions: set ST segment index and byte offset (BOM counted as 3 bytes)', () => {
    const bytes = read('X12Parser/850_From_aojuk.txt');
    const set = parseX12(bytes).interchanges[0]!.groups[0]!.sets[0]!;
    expect(set.position.segmentIndex).toBe(3);
    expect(bytes.subarray(set.position.byteOffset, set.position.byteOffset + 11).toString()).toBe(
      'ST*850*0083',
    );
  });
});
