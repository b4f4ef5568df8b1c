import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { InboundEnvelope, Receive } from '../types.js';
import {
  contentTypeFor,
  fileIdempotencyKey,
  startFileDrop,
  type FileDrop,
  type FileDropOptions,
} from './index.js';

const root = mkdtempSync(join(tmpdir(), 'sparehub-file-drop-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshInbox = () => join(root, `inbox-${++n}`);

const STABLE_MS = 150;
const NOW = new Date('2026-11-25T10:00:00Z');
const drops: FileDrop[] = [];
afterEach(async () => {
  for (const drop of drops.splice(0)) await drop.stop();
});

/** A stand-in for the runtime's inbox: stores each idempotency key once. */
function fakeInbox() {
  const keys = new Map<string, string>();
  const envelopes: InboundEnvelope[] = [];
  const receive: Receive = (envelope) => {
    envelopes.push(envelope);
    const known = keys.get(envelope.idempotencyKey);
    if (known) return Promise.resolve({ messageId: known, duplicate: true });
    const messageId = `inb_${keys.size + 1}`;
    keys.set(envelope.idempotencyKey, messageId);
    return Promise.resolve({ messageId, duplicate: false });
  };
  return { receive, envelopes };
}

function start(inbox: string, receive: Receive, options: Partial<FileDropOptions> = {}): FileDrop {
  mkdirSync(inbox, { recursive: true });
  // A poll interval longer than any test: scans happen when the test asks.
  const drop = startFileDrop(
    { inbox, pollMs: 60_000, stableMs: STABLE_MS, now: () => NOW, ...options },
    receive,
  );
  drops.push(drop);
  return drop;
}

/** Sees the files, lets them stay unchanged past stableMs, and scans again to take them. */
async function takeStable(drop: FileDrop) {
  await drop.scanNow();
  await sleep(STABLE_MS + 100);
  return drop.scanNow();
}

const ls = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);

describe('file drop inbound', () => {
  it('does not take a file while it is still being written, then takes it whole', async () => {
    const inbox = freshInbox();
    const { receive, envelopes } = fakeInbox();
    const drop = start(inbox, receive);
    await drop.scanNow();
    const chunks = Array.from({ length: 6 }, (_, i) => `partNumber,quantity\nP-${i},${i}\n`.repeat(200));
    const file = await open(join(inbox, 'stock.csv'), 'w');
    for (const chunk of chunks) {
      await file.write(chunk);
      const report = await drop.scanNow();
      expect(report.waiting).toEqual(['stock.csv']);
      await sleep(STABLE_MS / 3);
    }
    await file.close();
    expect(envelopes).toHaveLength(0);
    expect(ls(join(inbox, '.processing'))).toEqual([]);

    const report = await takeStable(drop);
    expect(report.taken).toEqual([{ file: 'stock.csv', messageId: 'inb_1', duplicate: false }]);
    const [envelope] = envelopes;
    expect(envelope?.body.toString()).toBe(chunks.join(''));
    expect(envelope).toMatchObject({
      transport: 'file',
      contentType: 'text/csv',
      idempotencyKey: fileIdempotencyKey(Buffer.from(chunks.join('')), 'stock.csv'),
      receivedAt: NOW.toISOString(),
      meta: { fileName: 'stock.csv', size: String(Buffer.byteLength(chunks.join(''))) },
    });
    expect(Date.parse(envelope!.meta.mtime!)).not.toBeNaN();
    expect(ls(inbox)).toEqual(['.done', '.processing']);
    expect(ls(join(inbox, '.done', '2026-11-25'))).toEqual(['stock.csv']);
  });

  it('hands over again on start what a crash left in .processing, received before or not', async () => {
    const inbox = freshInbox();
    const { receive, envelopes } = fakeInbox();
    // The first run received a.json and crashed before moving it; b.json it never got to.
    mkdirSync(join(inbox, '.processing'), { recursive: true });
    writeFileSync(join(inbox, '.processing', 'a.json'), '{"a":1}');
    writeFileSync(join(inbox, '.processing', 'b.json'), '{"b":2}');
    await receive({
      transport: 'file',
      idempotencyKey: fileIdempotencyKey(Buffer.from('{"a":1}'), 'a.json'),
      contentType: 'application/json',
      body: Buffer.from('{"a":1}'),
      receivedAt: NOW.toISOString(),
      meta: {},
    });

    const drop = start(inbox, receive);
    await drop.scanNow(); // after the scan the drop started with
    expect(envelopes.map((e) => e.meta.fileName)).toEqual([undefined, 'a.json', 'b.json']);
    expect(ls(join(inbox, '.processing'))).toEqual([]);
    expect(ls(join(inbox, '.done', '2026-11-25'))).toEqual(['a.json', 'b.json']);
    // a.json was a duplicate: the inbox holds two messages, not three.
    expect(new Set(envelopes.map((e) => e.idempotencyKey)).size).toBe(2);
  });

  it('gives the same content under the same name the same key, and anything else another', async () => {
    const inbox = freshInbox();
    const { receive, envelopes } = fakeInbox();
    const drop = start(inbox, receive);
    const csv = 'partNumber,quantity\nA-1,7\n';
    writeFileSync(join(inbox, 'snapshot.csv'), csv);
    expect((await takeStable(drop)).taken).toEqual([
      { file: 'snapshot.csv', messageId: 'inb_1', duplicate: false },
    ]);
    writeFileSync(join(inbox, 'snapshot.csv'), csv); // dropped again
    expect((await takeStable(drop)).taken).toEqual([
      { file: 'snapshot.csv', messageId: 'inb_1', duplicate: true },
    ]);
    writeFileSync(join(inbox, 'snapshot-copy.csv'), csv);
    writeFileSync(join(inbox, 'snapshot.csv'), csv + 'B-2,1\n');
    const third = await takeStable(drop);
    expect(third.taken.filter((t) => t.duplicate)).toEqual([]);
    expect(third.taken).toHaveLength(2);
    expect(new Set(envelopes.map((e) => e.idempotencyKey)).size).toBe(3);
    expect(envelopes[0]!.idempotencyKey).toBe(envelopes[1]!.idempotencyKey);
    // Nothing in .done is overwritten: each drop of snapshot.csv is kept.
    expect(ls(join(inbox, '.done', '2026-11-25'))).toEqual([
      'snapshot-copy.csv',
      'snapshot.csv',
      'snapshot~2.csv',
      'snapshot~3.csv',
    ]);
  });

  it('moves a file to .failed with the reason when receive rejects it permanently', async () => {
    const inbox = freshInbox();
    const drop = start(inbox, () =>
      Promise.reject(
        Object.assign(new Error('flow snap-in is outbound'), { code: 'FLOW_NOT_ACCEPTING', permanent: true }),
      ),
    );
    writeFileSync(join(inbox, 'orders.xml'), '<orders/>');
    const report = await takeStable(drop);
    expect(report.failed).toEqual([
      { file: 'orders.xml', code: 'FILE_RECEIVE_FAILED', reason: 'flow snap-in is outbound' },
    ]);
    expect(ls(join(inbox, '.failed'))).toEqual(['orders.xml', 'orders.xml.error.json']);
    expect(readFileSync(join(inbox, '.failed', 'orders.xml'), 'utf8')).toBe('<orders/>');
    expect(JSON.parse(readFileSync(join(inbox, '.failed', 'orders.xml.error.json'), 'utf8'))).toMatchObject({
      file: 'orders.xml',
      code: 'FILE_RECEIVE_FAILED',
      reason: 'flow snap-in is outbound',
      errorCode: 'FLOW_NOT_ACCEPTING',
      attempts: 1,
      failedAt: NOW.toISOString(),
    });
  });

  it('retries a receive that failed for a passing reason, and gives up after maxAttempts', async () => {
    const inbox = freshInbox();
    const { receive, envelopes } = fakeInbox();
    let outages = 2;
    const flaky: Receive = (envelope) =>
      envelope.meta.fileName === 'bad.edi' || outages-- > 0
        ? Promise.reject(new Error('database unavailable'))
        : receive(envelope);
    const drop = start(inbox, flaky, { maxAttempts: 3, retryDelayMs: 0 });
    writeFileSync(join(inbox, 'asn.edi'), 'ISA*00*~');
    const first = await takeStable(drop);
    expect(first.retrying).toEqual([{ file: 'asn.edi', attempts: 1, reason: 'database unavailable' }]);
    expect(ls(join(inbox, '.processing'))).toEqual(['asn.edi']);
    expect((await drop.scanNow()).retrying).toEqual([
      { file: 'asn.edi', attempts: 2, reason: 'database unavailable' },
    ]);
    expect((await drop.scanNow()).taken).toEqual([{ file: 'asn.edi', messageId: 'inb_1', duplicate: false }]);
    expect(envelopes[0]?.contentType).toBe('application/edi-x12');

    writeFileSync(join(inbox, 'bad.edi'), 'ISA*01*~');
    await takeStable(drop);
    await drop.scanNow();
    const last = await drop.scanNow();
    expect(last.failed).toEqual([
      { file: 'bad.edi', code: 'FILE_RECEIVE_FAILED', reason: 'database unavailable' },
    ]);
    expect(JSON.parse(readFileSync(join(inbox, '.failed', 'bad.edi.error.json'), 'utf8'))).toMatchObject({
      attempts: 3,
    });
    expect(ls(join(inbox, '.processing'))).toEqual([]);
  });

  it('sends a file over maxBytes to .failed unread, with FILE_TOO_LARGE', async () => {
    const inbox = freshInbox();
    const { receive, envelopes } = fakeInbox();
    const drop = start(inbox, receive, { maxBytes: 1000 });
    writeFileSync(join(inbox, 'huge.csv'), 'x'.repeat(1001));
    writeFileSync(join(inbox, 'small.csv'), 'x'.repeat(1000));
    const report = await takeStable(drop);
    expect(report.failed).toEqual([
      { file: 'huge.csv', code: 'FILE_TOO_LARGE', reason: '1001 bytes; the limit is 1000' },
    ]);
    expect(report.taken.map((t) => t.file)).toEqual(['small.csv']);
    expect(envelopes.map((e) => e.meta.fileName)).toEqual(['small.csv']);
    expect(ls(join(inbox, '.failed'))).toEqual(['huge.csv', 'huge.csv.error.json']);
  });

  it('takes only names matching the pattern and never hidden ones', async () => {
    const inbox = freshInbox();
    const { receive, envelopes } = fakeInbox();
    const drop = start(inbox, receive, { pattern: /\.csv$/i });
    writeFileSync(join(inbox, 'a.CSV'), '1');
    writeFileSync(join(inbox, 'b.json'), '2');
    writeFileSync(join(inbox, '.c.csv.part'), '3');
    writeFileSync(join(inbox, '.d.csv'), '4');
    expect((await takeStable(drop)).taken.map((t) => t.file)).toEqual(['a.CSV']);
    expect(envelopes[0]?.contentType).toBe('text/csv');
    expect(ls(inbox)).toEqual(['.c.csv.part', '.d.csv', '.done', '.processing', 'b.json']);
  });

  it('stops: waits for the scan under way, and scans no more', async () => {
    const inbox = freshInbox();
    let release = (): void => {};
    const slow: Receive = () =>
      new Promise((resolve) => {
        release = () => resolve({ messageId: 'inb_1', duplicate: false });
      });
    mkdirSync(inbox, { recursive: true });
    const drop = startFileDrop({ inbox, pollMs: 60_000, stableMs: 0, now: () => NOW }, slow);
    await drop.scanNow();
    writeFileSync(join(inbox, 'a.csv'), '1');
    expect((await drop.scanNow()).waiting).toEqual(['a.csv']);
    const scanning = drop.scanNow(); // takes a.csv and waits in receive
    await sleep(50);
    let stopped = false;
    const stopping = drop.stop().then(() => (stopped = true));
    await sleep(20);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await scanning).taken).toHaveLength(1);
    await expect(drop.scanNow()).rejects.toThrow(/stopped/);
  });
});

describe('content types and keys', () => {
  it('maps extensions to content types, case ignored', () => {
    expect(
      ['a.csv', 'a.JSON', 'a.edi', 'a.x12', 'a.txt', 'a.xml', 'a.pdf', 'noext'].map(contentTypeFor),
    ).toEqual([
      'text/csv',
      'application/json',
      'application/edi-x12',
      'application/edi-x12',
      'application/edi-x12',
      'application/xml',
      'application/octet-stream',
      'application/octet-stream',
    ]);
  });

  it('keys a file by the hash of its bytes and its name', () => {
    expect(fileIdempotencyKey(Buffer.from('abc'), 'x.csv')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad:x.csv',
    );
  });
});
