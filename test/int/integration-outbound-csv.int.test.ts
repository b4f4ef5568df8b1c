/**
 * Outbound CSV (issue 4): a flow's mapping output, flat rows, written as one CSV file per
 * delivery into a drop folder with a header row; a fixed column layout when the flow names
 * one; output that is not flat rows is dead-lettered with a code, never flattened.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { deliverDue, routeOutbox } from '../../src/modules/integration/outbound.service.js';
import { defaultTransports } from '../../src/modules/integration/transports.js';
import { describeEachStore, type TestHub } from '../support/each-store.js';
import { makeLocation, makePart } from '../support/factories.js';

const folders: string[] = [];
afterAll(() => {
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});
const uid = () => Math.floor(Math.random() * 1e9).toString(36);

async function csvFlow(t: TestHub, expression: string, csv?: { columns: string[] }) {
  const suffix = uid();
  const folder = mkdtempSync(join(tmpdir(), 'sparehub-csv-out-'));
  folders.push(folder);
  await t.api('POST', '/api/v1/integration/systems', {
    body: { code: `3PL-${suffix}`, kind: '3pl', name: '3PL', ownerTeam: 'Logistics' },
  });
  const mapping = await t.api('POST', '/api/v1/integration/mappings', {
    body: { code: `csv-${suffix}`, expression },
  });
  expect(mapping.status, JSON.stringify(mapping.body)).toBe(201);
  const flow = await t.api('POST', '/api/v1/integration/flows', {
    body: {
      code: `csv-out-${suffix}`,
      systemCode: `3PL-${suffix}`,
      entity: 'stock',
      direction: 'outbound',
      format: 'csv',
      transport: 'file',
      mappingCode: `csv-${suffix}`,
      mappingVersion: mapping.body.version,
      options: { directory: folder, events: ['inventory.stock_moved'], ...(csv ? { csv } : {}) },
    },
  });
  expect(flow.status, JSON.stringify(flow.body)).toBe(200);
  return { code: `csv-out-${suffix}`, folder };
}

async function moveStock(t: TestHub, reference: string) {
  const location = await makeLocation(t);
  const part = await makePart(t);
  const res = await t.api('POST', '/api/v1/stock/movements', {
    body: {
      type: 'receipt',
      partNumber: part.partNumber,
      locationCode: location.code,
      quantity: 3,
      reference,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { part, location };
}

async function relay(t: TestHub) {
  const deps = {
    store: t.hub.store,
    clock: t.hub.clock,
    ids: t.hub.ids,
    random: t.hub.random,
    transportFor: defaultTransports(),
    tenantId: t.tenantId,
  };
  await routeOutbox(deps);
  await deliverDue(deps);
}

const deliveries = async (t: TestHub, flow: string) =>
  (await t.api('GET', `/api/v1/integration/deliveries?flow=${flow}&limit=50`)).body.items as Array<{
    status: string;
    contentType: string;
    lastError: { code: string; detail: string } | null;
  }>;

describeEachStore('outbound CSV', (hub) => {
  it('writes each delivery as a CSV file with a header, quoting what needs it', async () => {
    const t = hub();
    const flow = await csvFlow(
      t,
      'payload.lines.{"part": partNumber, "location": locationCode, "qty": quantity, "ref": reference, "note": "line, with \\"quotes\\""}',
    );
    const { part, location } = await moveStock(t, 'GR 4711');
    await relay(t);
    const files = readdirSync(flow.folder).filter((f) => f.endsWith('.csv'));
    expect(files).toHaveLength(1);
    const text = readFileSync(join(flow.folder, files[0]!), 'utf8');
    expect(text.split('\r\n')[0]).toBe('part,location,qty,ref,note');
    expect(parse(text, { columns: true })).toEqual([
      {
        part: part.partNumber,
        location: location.code,
        qty: '3',
        ref: 'GR 4711',
        note: 'line, with "quotes"',
      },
    ]);
    expect((await deliveries(t, flow.code))[0]).toMatchObject({
      status: 'delivered',
      contentType: 'text/csv',
    });
  });

  it('keeps the flow’s column layout, and dead-letters what cannot be a row, with a code', async () => {
    const t = hub();
    const fixed = await csvFlow(t, '{"qty": payload.lines[0].quantity, "sku": payload.lines[0].partNumber}', {
      columns: ['sku', 'qty', 'bin'],
    });
    const nested = await csvFlow(t, '{"sku": payload.lines[0].partNumber, "lines": payload.lines}');
    const extra = await csvFlow(t, '{"sku": payload.lines[0].partNumber, "colour": "red"}', {
      columns: ['sku'],
    });
    const { part } = await moveStock(t, 'GR 1');
    await relay(t);
    const [file] = readdirSync(fixed.folder).filter((f) => f.endsWith('.csv'));
    expect(readFileSync(join(fixed.folder, file!), 'utf8')).toBe(`sku,qty,bin\r\n${part.partNumber},3,\r\n`);
    expect((await deliveries(t, nested.code))[0]).toMatchObject({
      status: 'dead',
      lastError: { code: 'OUTBOUND_NOT_TABULAR' },
    });
    expect(readdirSync(nested.folder).filter((f) => f.endsWith('.csv'))).toEqual([]);
    expect((await deliveries(t, extra.code))[0]).toMatchObject({
      status: 'dead',
      lastError: { code: 'OUTBOUND_CSV_COLUMN_UNKNOWN' },
    });
  });
});
