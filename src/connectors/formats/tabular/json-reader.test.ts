import { describe, expect, it } from 'vitest';
import { readJsonMessage } from './index.js';

const notice = {
  type: 'ship.notice',
  shipmentId: '80012345',
  shipDate: '2024-06-11',
  lines: [
    {
      lineNumber: '10',
      item: { partNumber: 'PS-4471' },
      quantity: 3,
      uom: 'EA',
      serials: ['SN-1'],
      poNumber: 'PO-9',
    },
  ],
};

describe('readJsonMessage', () => {
  it('reads a canonical message from text or bytes, with defaults applied', () => {
    for (const input of [JSON.stringify(notice), Buffer.from('\uFEFF' + JSON.stringify(notice))]) {
      const result = readJsonMessage(input);
      expect(result).toEqual({
        ok: true,
        unknownFields: [],
        message: {
          ...notice,
          parties: [],
          lines: [{ ...notice.lines[0], item: { partNumber: 'PS-4471', scheme: 'vendor' } }],
        },
      });
    }
  });

  it('refuses malformed JSON with JSON_MALFORMED and the position', () => {
    const result = readJsonMessage('{\n  "type": "ship.notice",\n  "shipmentId": 12,,\n}');
    expect(result).toMatchObject({
      ok: false,
      issues: [{ code: 'JSON_MALFORMED', position: 46, line: 3, column: 20 }],
    });
    for (const bad of [
      '',
      '{',
      '{"a":}',
      '[1,]',
      'nul',
      '{"a":1} x',
      '"\u0001"',
      '01',
      Buffer.from([0x7b, 0xff, 0x7d]),
    ]) {
      const r = readJsonMessage(bad);
      expect(r.ok ? [] : r.issues.map((i) => i.code)).toEqual(['JSON_MALFORMED']);
    }
  });

  it('refuses a document that is not a canonical message with JSON_SCHEMA_MISMATCH and the zod path', () => {
    const bad = {
      ...notice,
      lines: [
        { ...notice.lines[0], quantity: '3' },
        { item: { partNumber: '' }, quantity: 1, uom: 'EA' },
      ],
    };
    const result = readJsonMessage(JSON.stringify(bad));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.code, i.path])).toEqual([
      ['JSON_SCHEMA_MISMATCH', ['lines', 0, 'quantity']],
      ['JSON_SCHEMA_MISMATCH', ['lines', 1, 'item', 'partNumber']],
    ]);
    expect(result.issues[0]?.message).toMatch(/^lines\[0\]\.quantity: /);
    const unknownType = readJsonMessage('{"type":"invoice"}');
    expect(unknownType.ok ? [] : unknownType.issues.map((i) => [i.code, i.path])).toEqual([
      ['JSON_SCHEMA_MISMATCH', ['type']],
    ]);
  });

  it('reports the fields the schema does not know instead of dropping them silently', () => {
    const result = readJsonMessage(
      JSON.stringify({ ...notice, vessel: 'MSC Anna', lines: [{ ...notice.lines[0], hu: 'SSCC' }] }),
    );
    expect(result).toMatchObject({ ok: true, unknownFields: ['lines[0].hu', 'vessel'] });
  });

  it('refuses oversized and deeply nested input before parsing it', () => {
    expect(readJsonMessage('{"a":"' + 'x'.repeat(200) + '"}', { maxBytes: 100 })).toMatchObject({
      ok: false,
      issues: [{ code: 'JSON_TOO_LARGE' }],
    });
    expect(readJsonMessage('['.repeat(100_000) + ']'.repeat(100_000))).toMatchObject({
      ok: false,
      issues: [{ code: 'JSON_TOO_DEEP' }],
    });
  });
});
