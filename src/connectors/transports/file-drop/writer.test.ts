import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../types.js';
import { createFileDropWriter } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'sparehub-file-out-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshOutbox = () => join(root, `outbox-${++n}`);

const message = (
  id: string,
  body: Buffer | string,
  over: Partial<OutboundMessage> = {},
): OutboundMessage => ({
  id,
  key: 'part:A-1',
  type: 'inventory.count_posted',
  contentType: 'application/json',
  body: Buffer.from(body),
  ...over,
});

describe('file drop outbound', () => {
  it('writes the exact bytes under the message’s name and leaves no temporary file', async () => {
    const outbox = freshOutbox();
    const deliver = createFileDropWriter({ outbox });
    const body = Buffer.from([0x7b, 0x00, 0xff, 0x7d]);
    expect(await deliver(message('dlv_1', body))).toEqual({
      ok: true,
      detail: 'inventory.count_posted-dlv_1.json',
    });
    expect(readdirSync(outbox)).toEqual(['inventory.count_posted-dlv_1.json']);
    expect(readFileSync(join(outbox, 'inventory.count_posted-dlv_1.json')).equals(body)).toBe(true);
    expect(
      await deliver(message('dlv_2', 'a,b\n', { contentType: 'text/csv; charset=utf-8' })),
    ).toMatchObject({
      detail: 'inventory.count_posted-dlv_2.csv',
    });
  });

  it('never shows a reader half a file while files are being written', async () => {
    const outbox = freshOutbox();
    const deliver = createFileDropWriter({ outbox, nameFor: (m) => `${m.id}.csv` });
    const size = 512 * 1024;
    const bodies = Array.from({ length: 16 }, (_, i) => Buffer.alloc(size, 65 + i));
    let writing = true;
    let reads = 0;
    // A reader polling the folder as a partner system would, skipping hidden names.
    const reader = (async () => {
      while (writing) {
        for (const name of await readdir(outbox).catch(() => [])) {
          if (name.startsWith('.')) continue;
          const content = await readFile(join(outbox, name));
          expect(content.length).toBe(size);
          reads++;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const results = [];
    for (const [i, body] of bodies.entries()) results.push(await deliver(message(`f${i}`, body)));
    writing = false;
    await reader;
    expect(results.every((r) => r.ok)).toBe(true);
    const names = readdirSync(outbox).sort();
    expect(names).toEqual(bodies.map((_, i) => `f${i}.csv`).sort());
    for (const [i, body] of bodies.entries())
      expect(readFileSync(join(outbox, `f${i}.csv`)).equals(body)).toBe(true);
    expect(reads).toBeGreaterThan(0); // the reader did look while files were being written
  });

  it('replaces the file when the same message is delivered again (a retry is harmless)', async () => {
    const outbox = freshOutbox();
    const deliver = createFileDropWriter({ outbox, nameFor: (m) => `${m.id}.json` });
    await deliver(message('dlv_9', '{"v":1}'));
    await deliver(message('dlv_9', '{"v":1}'));
    expect(readdirSync(outbox)).toEqual(['dlv_9.json']);
    expect(readFileSync(join(outbox, 'dlv_9.json'), 'utf8')).toBe('{"v":1}');
  });

  it('refuses names that are not one plain file, permanently', async () => {
    const outbox = freshOutbox();
    for (const name of ['../escape.json', 'sub/dir.json', '', '.hidden.json', '..', 'x'.repeat(256)]) {
      const deliver = createFileDropWriter({ outbox, nameFor: () => name });
      expect(await deliver(message('dlv_1', '{}'))).toMatchObject({
        ok: false,
        errorCode: 'FILE_NAME_INVALID',
        permanent: true,
      });
    }
    expect(readdirSync(root)).not.toContain('escape.json');
  });

  it('reports an outbox that cannot be a folder as a permanent FILE_WRITE_FAILED', async () => {
    const blocked = join(root, `not-a-folder-${++n}`);
    writeFileSync(blocked, 'a file where the outbox should be');
    const deliver = createFileDropWriter({ outbox: join(blocked, 'out') });
    expect(await deliver(message('dlv_1', '{}'))).toMatchObject({
      ok: false,
      errorCode: 'FILE_WRITE_FAILED',
      permanent: true,
    });
  });
});
