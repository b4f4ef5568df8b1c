import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalMessageSchema, type CanonicalMessage } from '../../../modules/integration/canonical.js';
import {
  build997,
  buildInterchange,
  fromCanonical,
  MAPPED_SET_IDS,
  parseX12,
  toCanonical,
  writeX12,
  X12WriteError,
  type X12InterchangeInput,
} from './index.js';

const FIXTURES = join(import.meta.dirname, '../../../../test/fixtures/x12');
const NOW = new Date('2026-03-04T05:06:07Z');
const ENVELOPE = {
  senderQualifier: 'ZZ',
  senderId: 'SPAREHUB',
  receiverQualifier: '01',
  receiverId: '123456789',
  controlNumber: 42,
  now: NOW,
};

const parties = [
  {
    role: 'ship_to' as const,
    id: 'W1',
    qualifier: '92',
    name: 'Main Depot',
    address: ['1 Dock Rd', 'Gate 4'],
    city: 'Laredo',
    region: 'TX',
    postalCode: '78045',
    country: 'US',
  },
  { role: 'warehouse' as const, id: 'WH9', qualifier: '91', name: 'North DC' },
];
const pump = {
  partNumber: 'P-100',
  scheme: 'vendor',
  otherNumbers: { buyer: 'B-100', upc: '012345678905' },
  description: 'Pump seal kit',
};
const valve = { partNumber: 'V-7', scheme: 'buyer', otherNumbers: { manufacturer: 'MFG-7' } };

const MESSAGES: CanonicalMessage[] = [
  {
    type: 'inventory.advice',
    documentId: 'INV-1',
    asOf: '2026-03-01',
    parties,
    lines: [
      { lineNumber: '1', item: pump, quantity: 12, uom: 'EA', quantityKind: 'on_hand', locationCode: 'A1' },
      { lineNumber: '1', item: pump, quantity: 10, uom: 'EA', quantityKind: 'available', locationCode: 'A1' },
      { lineNumber: '1', item: pump, quantity: 3.5, uom: 'EA', quantityKind: 'damaged', locationCode: 'B2' },
      { lineNumber: '2', item: valve, quantity: 40, uom: 'CA', quantityKind: 'on_order' },
    ],
  },
  {
    type: 'ship.notice',
    shipmentId: 'SHP-9',
    shipDate: '2026-03-02',
    expectedDeliveryDate: '2026-03-05',
    carrier: 'UPSN',
    trackingNumber: '1Z999',
    parties,
    lines: [
      { lineNumber: '1', item: pump, quantity: 2, uom: 'EA', poNumber: 'PO-1', serials: ['SN1', 'SN2'] },
      { lineNumber: '2', item: valve, quantity: 5, uom: 'EA', poNumber: 'PO-1', lot: 'LOT-3' },
      { lineNumber: '3', item: valve, quantity: 1, uom: 'EA', poNumber: 'PO-2' },
      { lineNumber: '4', item: pump, quantity: 1, uom: 'EA' },
    ],
  },
  {
    type: 'purchase.order',
    poNumber: 'PO-1',
    orderDate: '2026-02-27',
    purpose: 'change',
    parties,
    lines: [
      { lineNumber: '1', item: pump, quantity: 4, uom: 'EA', unitPrice: 12.5, requestedDate: '2026-03-10' },
      { lineNumber: '2', item: valve, quantity: 1, uom: 'EA' },
    ],
  },
  {
    type: 'purchase.order.ack',
    poNumber: 'PO-1',
    ackDate: '2026-02-28',
    status: 'accepted_with_changes',
    parties,
    lines: [
      { lineNumber: '1', item: pump, quantity: 2, orderedQuantity: 4, uom: 'EA', status: 'accepted' },
      {
        lineNumber: '1',
        item: pump,
        quantity: 2,
        orderedQuantity: 4,
        uom: 'EA',
        status: 'backordered',
        expectedDate: '2026-04-01',
      },
      { lineNumber: '2', item: valve, quantity: 0, uom: 'EA', status: 'rejected' },
      { lineNumber: '3', item: valve, quantity: 3, orderedQuantity: 2, uom: 'EA', status: 'changed' },
    ],
  },
  {
    type: 'warehouse.shipping_order',
    orderId: 'SO-5',
    poNumber: 'PO-1',
    requestedShipDate: '2026-03-03',
    parties,
    lines: [
      {
        lineNumber: '1',
        item: { ...pump, otherNumbers: { ...pump.otherNumbers, upc_case: '10012345678902' } },
        quantity: 6,
        uom: 'CA',
      },
      { lineNumber: '2', item: valve, quantity: 1, uom: 'EA' },
    ],
  },
  {
    type: 'warehouse.shipping_advice',
    orderId: 'SO-5',
    shipmentId: 'SHP-9',
    shipDate: '2026-03-04',
    parties,
    lines: [
      {
        lineNumber: '1',
        item: {
          partNumber: 'P-100',
          scheme: 'vendor',
          otherNumbers: { buyer: 'B-100' },
          description: 'Pump seal kit',
        },
        quantity: 6,
        orderedQuantity: 6,
        uom: 'CA',
        status: 'shipped',
      },
      {
        lineNumber: '2',
        item: { partNumber: 'V-7', scheme: 'buyer' },
        quantity: 0,
        orderedQuantity: 1,
        uom: 'EA',
        status: 'partial',
      },
    ],
  },
  {
    type: 'stock.transfer_shipment',
    transferId: 'TR-1',
    shipDate: '2026-03-01',
    parties,
    lines: [
      {
        lineNumber: '1',
        item: {
          partNumber: 'P-100',
          scheme: 'vendor',
          otherNumbers: { buyer: 'B-100' },
          description: 'Pump seal kit',
        },
        quantity: 30,
        uom: 'EA',
        lot: 'L-77',
      },
      { lineNumber: '2', item: { partNumber: '10012345678902', scheme: 'upc_case' }, quantity: 2, uom: 'CA' },
    ],
  },
  {
    type: 'stock.transfer_receipt',
    transferId: 'TR-1',
    receiptDate: '2026-03-03',
    parties,
    lines: [
      {
        lineNumber: '1',
        item: { partNumber: 'P-100', scheme: 'vendor', otherNumbers: { buyer: 'B-100' } },
        quantity: 28,
        uom: 'EA',
        damagedQuantity: 2,
        expectedQuantity: 30,
        lot: 'L-77',
      },
    ],
  },
  {
    type: 'inventory.adjustment',
    adjustmentId: 'ADJ-3',
    date: '2026-03-04',
    parties,
    lines: [
      {
        lineNumber: '1',
        item: { partNumber: 'P-100', scheme: 'vendor' },
        quantity: -2,
        uom: 'EA',
        reasonCode: '07',
        status: 'damaged',
      },
      {
        lineNumber: '2',
        item: { partNumber: 'V-7', scheme: 'buyer', description: 'Valve' },
        quantity: 5,
        uom: 'EA',
        reasonCode: 'AA',
      },
    ],
  },
  {
    type: 'return.authorization',
    rmaNumber: 'RMA-8',
    date: '2026-03-02',
    parties,
    lines: [
      { lineNumber: '1', item: pump, quantity: 1, uom: 'EA', reason: 'DA', serials: ['SN1'] },
      { item: valve, quantity: 2, uom: 'EA' },
    ],
  },
].map((message) => canonicalMessageSchema.parse(message));

function roundTrip(message: CanonicalMessage): { text: string; back: CanonicalMessage[] } {
  const set = fromCanonical(message, { controlNumber: '0001' });
  if (!set) throw new Error(`no mapping for ${message.type}`);
  const text = writeX12(buildInterchange([set], ENVELOPE), { lineBreak: '\n' });
  const parsed = parseX12(text);
  expect(parsed.issues).toEqual([]);
  const sets = parsed.interchanges.flatMap((ic) => ic.groups.flatMap((group) => group.sets));
  expect(sets).toHaveLength(1);
  const result = toCanonical(sets[0]!);
  expect(result.issues).toEqual([]);
  return { text, back: result.messages };
}

describe('canonical -> X12 -> canonical', () => {
  it('covers every mapped set', () => {
    expect(MESSAGES.map((message) => fromCanonical(message, { controlNumber: '1' })!.id).sort()).toEqual(
      [...MAPPED_SET_IDS].sort(),
    );
  });

  for (const message of MESSAGES) {
    it(`round-trips ${message.type}`, () => {
      const { back } = roundTrip(message);
      expect(back).toEqual([message]);
    });
  }

  it('writes 947 W19 with the signed quantity and 943 W04 with the UPC case code', () => {
    const adjustment = roundTrip(MESSAGES.find((m) => m.type === 'inventory.adjustment')!).text;
    expect(adjustment).toContain('W15*20260304*ADJ-3~');
    expect(adjustment).toContain('W19*07*-2*EA**VP*P-100~');
    const transfer = roundTrip(MESSAGES.find((m) => m.type === 'stock.transfer_shipment')!).text;
    expect(transfer).toContain('W04*2*CA*10012345678902~');
  });

  it('writes 855 ACK status codes with the expected date in ACK04/05', () => {
    const { text } = roundTrip(MESSAGES.find((m) => m.type === 'purchase.order.ack')!);
    expect(text).toContain('ACK*IB*2*EA*068*20260401~');
    expect(text).toContain('ACK*IR*0*EA~');
  });
});

describe('writeX12', () => {
  const interchange: X12InterchangeInput = buildInterchange(
    [
      {
        id: '846',
        controlNumber: '0001',
        segments: [{ tag: 'BIA', elements: ['00', 'DD', 'X', '20260301'] }],
      },
    ],
    ENVELOPE,
  );

  it('writes a 106-character ISA with padded ids and zero-filled control number', () => {
    const text = writeX12(interchange);
    const isa = text.slice(0, text.indexOf('~') + 1);
    expect(isa).toBe(
      'ISA*00*          *00*          *ZZ*SPAREHUB       *01*123456789      *260304*0506*U*00401*000000042*0*P*>~',
    );
    expect(isa).toHaveLength(106);
    expect(text).toContain(
      'GS*IB*SPAREHUB*123456789*20260304*0506*42*X*004010~ST*846*0001~BIA*00*DD*X*20260301~SE*3*0001~GE*1*42~IEA*1*000000042~',
    );
  });

  it('honours configured delimiters, including a repetition separator for 00501', () => {
    const text = writeX12(
      { ...interchange, version: '00501' },
      { delimiters: { element: '|', component: ':', segment: '\n', repetition: '^' } },
    );
    expect(text.split('\n')[0]).toBe(
      'ISA|00|          |00|          |ZZ|SPAREHUB       |01|123456789      |260304|0506|^|00501|000000042|0|P|:',
    );
    const parsed = parseX12(text);
    expect(parsed.issues).toEqual([]);
    expect(parsed.interchanges[0]!.header.delimiters).toEqual({
      element: '|',
      component: ':',
      segment: '\n',
      repetition: '^',
    });
    expect(parsed.interchanges[0]!.groups[0]!.sets[0]!.segments[0]!.elements).toEqual([
      '00',
      'DD',
      'X',
      '20260301',
    ]);
  });

  it('refuses data that contains a delimiter', () => {
    const bad = buildInterchange(
      [{ id: '846', controlNumber: '0001', segments: [{ tag: 'BIA', elements: ['00', 'DD', 'A*B'] }] }],
      ENVELOPE,
    );
    expect(() => writeX12(bad)).toThrow(X12WriteError);
  });

  it('splits composite elements and writes them back', () => {
    const text = readFileSync(join(FIXTURES, 'EdiEngine/850.Composite.SLN.OK.edi'), 'utf8');
    const set = parseX12(text).interchanges[0]!.groups[0]!.sets[0]!;
    const sln = set.segments.find((segment) => segment.tag === 'SLN')!;
    expect(sln.elements[4]).toEqual(['PC', '11.1', '12.2', 'EA', '13.3', '14.4']);
    const again = parseX12(writeX12(buildInterchange([set], ENVELOPE)));
    expect(again.issues).toEqual([]);
    expect(again.interchanges[0]!.groups[0]!.sets[0]!.segments.map((s) => [s.tag, s.elements])).toEqual(
      set.segments.map((s) => [s.tag, s.elements]),
    );
  });
});

describe('build997', () => {
  const ack = (file: string, strictEnvelope: boolean): string => {
    const result = parseX12(readFileSync(join(FIXTURES, file)), { strictEnvelope });
    return writeX12(build997(result.interchanges[0]!, { controlNumber: 7, now: NOW }));
  };
  const body = (text: string): string[] => text.split('~').filter((line) => /^AK/.test(line));

  it('accepts a good file: AK5*A, AK9*A, addressed back to the sender', () => {
    const text = ack('X12Parser/855_855SSimmons.txt', true);
    expect(text.slice(0, 106)).toContain('*12*1234567890     *01*121792154      *');
    expect(body(text)).toEqual([
      'AK1*PR*76417',
      'AK2*855*0001',
      'AK5*A',
      'AK2*855*0002',
      'AK5*A',
      'AK9*A*2*2*2',
    ]);
    const parsed = parseX12(text);
    expect(parsed.issues).toEqual([]);
    expect(parsed.interchanges[0]!.groups[0]!.sets[0]!.id).toBe('997');
  });

  it('rejects a set whose SE count is wrong: AK5*R*4, AK9*R', () => {
    expect(body(ack('EdiEngine/940_Failed_SE01.edi', true))).toEqual([
      'AK1*OW*9221',
      'AK2*940*20066',
      'AK5*R*4',
      'AK9*R*1*1*0',
    ]);
  });

  it('reports envelope discrepancies: R when strict, E when lenient', () => {
    expect(body(ack('X12Parser/945_inter-americanproducts.txt', true))).toEqual([
      'AK1*SW*20021104',
      'AK2*945*0003100001',
      'AK5*A',
      'AK9*R*1*1*0*4',
    ]);
    expect(body(ack('X12Parser/945_inter-americanproducts.txt', false))).toEqual([
      'AK1*SW*20021104',
      'AK2*945*0003100001',
      'AK5*A',
      'AK9*E*1*1*1*4',
    ]);
  });

  it('carries mapping errors as AK3/AK4', () => {
    const result = parseX12(readFileSync(join(FIXTURES, 'EdiEngine/940.2.OK.edi')));
    const interchange = result.interchanges[0]!;
    const set = interchange.groups[0]!.sets[0]!;
    const bad = {
      ...set,
      segments: set.segments.map((segment) =>
        segment.tag === 'W01' ? { ...segment, elements: ['x', ...segment.elements.slice(1)] } : segment,
      ),
    };
    const mapped = toCanonical(bad);
    const text = writeX12(
      build997(interchange, {
        controlNumber: 8,
        now: NOW,
        extraIssues: new Map([['9221/20066', mapped.issues]]),
      }),
    );
    expect(body(text)).toEqual([
      'AK1*OW*9221',
      'AK2*940*20066',
      'AK3*W01*5**8',
      'AK4*1**6',
      'AK4*1**1',
      'AK5*R*5',
      'AK9*R*1*1*0',
    ]);
  });
});

describe('reader issue codes', () => {
  const good =
    'ISA*00*          *00*          *ZZ*A              *ZZ*B              *260304*0506*U*00401*000000001*0*P*>~GS*IB*A*B*20260304*0506*1*X*004010~ST*846*0001~BIA*00*DD*X*20260301~SE*3*0001~GE*1*1~IEA*1*000000001~';

  it('reads a clean interchange with no issues, with BOM, indentation and CRLF', () => {
    const messy = `\uFEFF  \r\n${good.replace(/~/g, '~\r\n\t  ')}`;
    const result = parseX12(messy);
    expect(result.issues).toEqual([]);
    expect(result.interchanges[0]!.groups[0]!.sets[0]!.segments[0]!.elements).toEqual([
      '00',
      'DD',
      'X',
      '20260301',
    ]);
  });

  it('reports X12_NO_ISA for text without an interchange', () => {
    expect(parseX12('hello world').issues.map((found) => found.code)).toEqual([
      'X12_UNEXPECTED_DATA',
      'X12_NO_ISA',
    ]);
    expect(parseX12('').issues.map((found) => found.code)).toEqual(['X12_NO_ISA']);
  });

  it('reports a truncated interchange with its open set and group', () => {
    const cut = good.slice(0, good.indexOf('SE*'));
    const result = parseX12(cut);
    expect(result.issues.map((found) => found.code)).toEqual([
      'X12_UNTERMINATED_SET',
      'X12_MISSING_GE',
      'X12_TRUNCATED',
    ]);
    expect(result.interchanges[0]!.accepted).toBe(false);
  });

  it('reports GE and IEA count mismatches precisely', () => {
    const result = parseX12(good.replace('GE*1*1', 'GE*2*1').replace('IEA*1*', 'IEA*3*'), {
      strictEnvelope: false,
    });
    expect(result.issues.map((found) => found.message)).toEqual([
      'GE01 says 2 transaction sets, group 1 has 1',
      'IEA01 says 3 functional groups, interchange 000000001 has 1',
    ]);
    expect(result.interchanges[0]!.accepted).toBe(true);
  });

  it('reports a second ISA without IEA and reads both interchanges', () => {
    const result = parseX12(good.replace('IEA*1*000000001~', '') + good);
    expect(result.interchanges).toHaveLength(2);
    expect(result.issues.map((found) => found.code)).toEqual(['X12_MISSING_IEA']);
  });

  it('rejects a set with a bad segment id and reports stray segments', () => {
    const result = parseX12(good.replace('BIA*', 'b!A*').replace('GE*', 'REF*X~GE*'));
    expect(result.issues.map((found) => found.code)).toEqual([
      'X12_BAD_SEGMENT_ID',
      'X12_UNEXPECTED_SEGMENT',
    ]);
    expect(result.interchanges[0]!.groups[0]!.sets[0]!.accepted).toBe(false);
  });

  it('reports an ISA with wrong field widths but reads it', () => {
    const result = parseX12(good.replace('*ZZ*A              *', '*ZZ*A*'));
    expect(result.issues.map((found) => found.message)).toEqual([
      'ISA is 92 characters, expected 106: ISA06 is 1 characters, expected 15',
    ]);
    expect(result.interchanges[0]!.groups[0]!.sets[0]!.accepted).toBe(true);
  });
});
