import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEnvelope } from '../types.js';
import { createFileDropWriter, fileIdempotencyKey, startFileDrop } from './index.js';

const dirs: string[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sparehub-drop-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A clock the test moves by hand, so "stable for stableMs" needs no sleeping. */
function manualClock(start = Date.parse('2026-11-25T10:00:00Z')) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('file drop folders', () => {
  it('takes a file only once its size has stopped changing, then files it under .done', async () => {
    const inbox = folder();
    const clock = manualClock();
    const got: InboundEnvelope[] = [];
    const drop = startFileDrop({ inbox, stableMs: 1000, pollMs: 60_000, now: clock.now }, (e) => {
      got.push(e);
      return Promise.resolve({ messageId: `m${got.length}`, duplicate: false });
    });
    try {
      writeFileSync(join(inbox, 'stock.csv'), 'partNumber,quantity\n');
      expect((await drop.scanNow()).waiting).toEqual(['stock.csv']);
      appendFileSync(join(inbox, 'stock.csv'), 'P-1,5\n'); // still being written
      clock.advance(5000);
      expect((await drop.scanNow()).waiting).toEqual(['stock.csv']);
      clock.advance(500);
      expect((await drop.scanNow()).taken).toEqual([]);
      clock.advance(600);
      expect((await drop.scanNow()).taken).toEqual(['stock.csv']);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({
        transport: 'file',
        contentType: 'text/csv',
        meta: { fileName: 'stock.csv' },
      });
      expect(got[0]!.body.toString()).toBe('partNumber,quantity\nP-1,5\n');
      expect(readdirSync(join(inbox, '.done', '2026-11-25'))).toEqual(['stock.csv']);
      expect(readdirSync(inbox).filter((f) => !f.startsWith('.'))).toEqual([]);
    } finally {
      await drop.stop();
    }
  });

  it('hands over again what a crash left in .processing, and keys files by content and name', async () => {
    const inbox = folder();
    mkdirSync(join(inbox, '.processing'), { recursive: true });
    writeFileSync(join(inbox, '.processing', '846.edi'), 'ISA*...');
    const keys: string[] = [];
    const drop = startFileDrop({ inbox, pollMs: 60_000 }, (e) => {
      keys.push(e.idempotencyKey);
      return Promise.resolve({ messageId: 'm', duplicate: false });
    });
    try {
      expect((await drop.scanNow()).taken).toEqual(['846.edi']);
      expect(keys[0]).toBe(fileIdempotencyKey(Buffer.from('ISA*...'), '846.edi'));
      expect(fileIdempotencyKey(Buffer.from('ISA*...'), '846.edi')).toBe(keys[0]);
      expect(fileIdempotencyKey(Buffer.from('ISA*..!'), '846.edi')).not.toBe(keys[0]);
      expect(fileIdempotencyKey(Buffer.from('ISA*...'), '846-copy.edi')).not.toBe(keys[0]);
    } finally {
      await drop.stop();
    }
  });

  it('moves what cannot be received, or is too large, to .failed with the reason beside it', async () => {
    const inbox = folder();
    const clock = manualClock();
    const drop = startFileDrop({ inbox, stableMs: 0, maxBytes: 10, pollMs: 60_000, now: clock.now }, () =>
      Promise.reject(new Error('store unavailable')),
    );
    try {
      writeFileSync(join(inbox, 'big.json'), '{"a": "more than ten bytes"}');
      writeFileSync(join(inbox, 'small.json'), '{}');
      await drop.scanNow();
      const report = await drop.scanNow();
      expect(report.failed.map((f) => [f.file, f.code]).sort()).toEqual([
        ['big.json', 'FILE_TOO_LARGE'],
        ['small.json', 'RECEIVE_FAILED'],
      ]);
      const error = JSON.parse(readFileSync(join(inbox, '.failed', 'small.json.error.json'), 'utf8')) as {
        reason: string;
      };
      expect(error.reason).toBe('store unavailable');
      expect(existsSync(join(inbox, '.failed', 'big.json'))).toBe(true);
    } finally {
      await drop.stop();
    }
  });

  it('writes outbound files whole: no temporary file is left and the content is exact', async () => {
    const outbox = join(folder(), 'out');
    const deliver = createFileDropWriter({ outbox });
    const body = Buffer.from(JSON.stringify({ part: 'P-1', quantity: 3 }));
    const result = await deliver({
      id: 'dlv_1',
      key: 'part:P-1',
      type: 'inventory.stock_moved',
      contentType: 'application/json',
      body,
    });
    expect(result).toEqual({ ok: true, detail: 'inventory.stock_moved-dlv_1.json' });
    expect(readdirSync(outbox)).toEqual(['inventory.stock_moved-dlv_1.json']);
    expect(readFileSync(join(outbox, 'inventory.stock_moved-dlv_1.json'))).toEqual(body);
    const blocked = createFileDropWriter({ outbox: join(outbox, 'inventory.stock_moved-dlv_1.json', 'sub') });
    expect(
      await blocked({ id: 'x', key: 'k', type: 't', contentType: 'application/json', body }),
    ).toMatchObject({ ok: false, permanent: true });
  });
});
