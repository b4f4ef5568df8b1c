import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalMessageSchema, type MessageOf } from '../../../modules/integration/canonical.js';
import { readIdocXml, type IdocReadResult } from './index.js';

const testdata = new URL('./testdata/', import.meta.url);
const read = (name: string): IdocReadResult => readIdocXml(readFileSync(new URL(name, testdata)));

function only<T extends 'item.master' | 'ship.notice'>(
  result: IdocReadResult,
  type: T,
  index = 0,
): MessageOf<T> {
  const message = result.messages[index]?.message;
  expect(message?.type).toBe(type);
  return message as MessageOf<T>;
}

describe('MATMAS', () => {
  const result = read('matmas05-spare-parts.xml');

  it('reads every IDoc in a file with two, each with its control record', () => {
    expect(result.issues).toEqual([]);
    expect(result.messages.map((m) => m.docnum)).toEqual(['0000000004711001', '0000000004711002']);
    expect(result.messages[0]).toMatchObject({
      idocType: 'MATMAS05',
      messageType: 'MATMAS',
      sender: { port: 'SAPPE1', partnerType: 'LS', partnerNumber: 'PE1CLNT200' },
      createdAt: '2024-06-10T07:15:02',
    });
  });

  it('strips the zero padding of a numeric material number and keeps an alphanumeric one as sent', () => {
    expect(only(result, 'item.master', 0).partNumber).toBe('100234');
    expect(only(result, 'item.master', 1).partNumber).toBe('0000X-HOSE-22');
  });

  it('maps SAP units to hub units and alternative units to factors UMREZ/UMREN', () => {
    const pump = only(result, 'item.master', 0);
    expect(pump.baseUom).toBe('EA');
    expect(pump.attributes.sapBaseUom).toBe('ST');
    // ST 1/1 is the base unit itself and is left out; KAR 12/1 is a box of 12; PAK 5/2.
    expect(pump.uomConversions).toEqual([
      { uom: 'BOX', factor: 12 },
      { uom: 'PK', factor: 2.5 },
    ]);
    const hose = only(result, 'item.master', 1);
    expect(hose.baseUom).toBe('M');
    expect(hose.uomConversions).toEqual([
      { uom: 'ROL', factor: 50 },
      { uom: 'FT', factor: 381 / 1250 },
    ]);
  });

  it('keeps descriptions by ISO language, decoding entities, and falls back from SPRAS', () => {
    const pump = only(result, 'item.master', 0);
    expect(pump.descriptions).toEqual({
      en: 'Pump seal & gasket kit, 40 mm',
      de: 'Dichtungssatz für Pumpe, 40 mm',
      fr: 'Kit de joints de pompe, 40 mm',
    });
    expect(pump.description).toBe('Pump seal & gasket kit, 40 mm');
    expect(only(result, 'item.master', 1).description).toBe('Hydraulic hose DN22, by the metre');
  });

  it('keeps weights, plants and the serial profile as attributes, leaving out zero measures', () => {
    const pump = only(result, 'item.master', 0);
    expect(pump.attributes).toMatchObject({
      grossWeight: '1.250',
      netWeight: '1.100',
      weightUnit: 'KGM',
      gtin: '4006381333931',
      plants: '1000,2100',
      serialProfile: 'ZSP1',
    });
    expect(pump.attributes.volume).toBeUndefined();
    expect(pump.materialType).toBe('ERSA');
  });

  it('reads a description in another language when asked', () => {
    const german = readIdocXml(readFileSync(new URL('matmas05-spare-parts.xml', testdata)), {
      language: 'de',
    });
    expect(only(german, 'item.master', 0).description).toBe('Dichtungssatz für Pumpe, 40 mm');
  });
});

describe('DELVRY', () => {
  const result = read('delvry07-despatch-advice.xml');
  const notice = (): MessageOf<'ship.notice'> => only(result, 'ship.notice');

  it('maps the delivery header: shipment id, dates, carrier and tracking', () => {
    expect(result.issues).toEqual([]);
    expect(notice()).toMatchObject({
      shipmentId: '80012345',
      shipDate: '2024-06-11',
      expectedDeliveryDate: '2024-06-14',
      carrier: 'UPS Supply Chain Solutions',
      trackingNumber: '1Z999AA10123456784',
    });
  });

  it('maps partners by function, keeping the SAP function as qualifier', () => {
    const parties = notice().parties;
    expect(parties.map((p) => [p.role, p.qualifier])).toEqual([
      ['ship_from', 'OSP'],
      ['buyer', 'AG'],
      ['ship_to', 'WE'],
      ['carrier', 'SP'],
    ]);
    expect(parties[2]).toMatchObject({
      id: '0000300488',
      name: 'Nordic Field Service AB Central Parts Depot',
      address: ['Lagergatan 19', 'Gate 3'],
      city: 'Mölnlycke',
      postalCode: '435 33',
      country: 'SE',
    });
  });

  it('carries serial numbers, the customer PO and the customer part number on a line', () => {
    const [first] = notice().lines;
    expect(first).toMatchObject({
      lineNumber: '000010',
      item: { partNumber: '100234', scheme: 'erp', otherNumbers: { buyer: 'NFS-77-4410' } },
      quantity: 3,
      uom: 'EA',
      poNumber: 'PO-NFS-24-0815',
      serials: ['SN-88121', 'SN-88122', 'SN-88123'],
    });
  });

  it('replaces a batch-split main item by its batches, each a lot with the inherited PO', () => {
    const hose = notice().lines.filter((l) => l.item.partNumber === '0000X-HOSE-22');
    expect(hose.map((l) => [l.lineNumber, l.quantity, l.uom, l.lot, l.poNumber])).toEqual([
      ['900001', 50, 'M', 'B2406-01', 'PO-NFS-24-0815'],
      ['900002', 25, 'M', 'B2406-02', 'PO-NFS-24-0815'],
    ]);
  });

  it('takes an SAP purchase order reference (E1EDL43 V) when no customer PO is sent', () => {
    const impeller = notice().lines.find((l) => l.lineNumber === '000030');
    expect(impeller).toMatchObject({ poNumber: '45000123', lot: 'IMP-0611', uom: 'BOX', quantity: 2 });
  });
});

describe('every produced message', () => {
  it('passes the canonical schema unchanged', () => {
    for (const file of [
      'matmas05-spare-parts.xml',
      'delvry07-despatch-advice.xml',
      'broken/one-bad-of-two-delvry05.xml',
    ]) {
      for (const { message } of read(file).messages) {
        expect(canonicalMessageSchema.parse(message)).toEqual(message);
      }
    }
  });
});

describe('broken IDocs', () => {
  it.each([
    ['not-xml.edi', 'IDOC_NOT_XML'],
    ['truncated-matmas05.xml', 'IDOC_NOT_XML'],
    ['doctype-entity-expansion.xml', 'IDOC_DTD_FORBIDDEN'],
    ['no-idoc.xml', 'IDOC_NO_IDOC'],
    ['no-control-record.xml', 'IDOC_NO_CONTROL_RECORD'],
    ['unsupported-orders05.xml', 'IDOC_UNSUPPORTED_TYPE'],
    ['missing-matnr.xml', 'IDOC_MISSING_FIELD'],
    ['zero-umren.xml', 'IDOC_BAD_NUMBER'],
    ['bad-quantity-delvry05.xml', 'IDOC_BAD_NUMBER'],
    ['bad-date-delvry03.xml', 'IDOC_BAD_DATE'],
    ['deleted-delivery.xml', 'IDOC_DELETION_NOT_SUPPORTED'],
  ])('refuses %s with %s', (file, code) => {
    const result = read(`broken/${file}`);
    expect(result.messages).toEqual([]);
    expect(result.issues.map((i) => i.code)).toEqual([code]);
  });

  it('names the IDoc number, segment and field in the message', () => {
    const [issue] = read('broken/bad-quantity-delvry05.xml').issues;
    expect(issue).toMatchObject({ docnum: '0000000009930421', segment: 'E1EDL24', field: 'LFIMG' });
    expect(issue?.message).toBe("IDoc 0000000009930421: E1EDL24-LFIMG '12,5' is not a decimal number");
  });

  it('lets the good IDoc of a file through when its neighbour is refused', () => {
    const result = read('broken/one-bad-of-two-delvry05.xml');
    expect(result.issues).toMatchObject([
      { code: 'IDOC_MISSING_FIELD', docnum: '0000000009930440', field: 'MATNR' },
    ]);
    expect(result.messages.map((m) => m.docnum)).toEqual(['0000000009930441']);
    expect(only(result, 'ship.notice').lines[0]).toMatchObject({
      item: { partNumber: '100234' },
      uom: 'EA',
      quantity: 4,
    });
  });

  it('refuses input over the size limit and nesting over the depth limit', () => {
    expect(readIdocXml('<A>' + ' '.repeat(100) + '</A>', { maxBytes: 50 }).issues[0]?.code).toBe(
      'IDOC_TOO_LARGE',
    );
    const deep = '<MATMAS05><IDOC>' + '<X>'.repeat(40) + '</X>'.repeat(40) + '</IDOC></MATMAS05>';
    expect(readIdocXml(deep).issues[0]?.code).toBe('IDOC_TOO_DEEP');
  });

  it('refuses a warehouse order on DELVRY, which is not a despatch advice', () => {
    const xml = readFileSync(new URL('delvry07-despatch-advice.xml', testdata), 'utf8').replace(
      'DESADV',
      'WHSORD',
    );
    expect(readIdocXml(xml).issues).toMatchObject([{ code: 'IDOC_UNSUPPORTED_TYPE', field: 'MESTYP' }]);
  });

  it('refuses bytes that are not the declared encoding', () => {
    const bytes = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="UTF-8"?><A>'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('</A>'),
    ]);
    expect(readIdocXml(bytes).issues[0]?.code).toBe('IDOC_NOT_XML');
  });
});
