import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { Deliver, InboundEnvelope, OutboundMessage, Receive } from '../types.js';

/**
 * File drop folders (batch transport). Inbound: files dropped into `inbox/` are taken once
 * their size has stopped changing for `stableMs` (so half-written files are never read),
 * claimed by an atomic rename into `.processing/`, handed to `receive`, then moved to
 * `.done/YYYY-MM-DD/` — or to `.failed/` with a `.error.json` beside them. Files left in
 * `.processing/` by a crash are handed over again on start (the inbox's idempotency key,
 * the content's hash and the name, makes that harmless). Outbound: each message is written
 * to a temporary name, fsynced, then renamed, so a reader never sees half a file.
 */
export interface FileDropOptions {
  inbox: string;
  pattern?: RegExp;
  pollMs?: number;
  stableMs?: number;
  maxBytes?: number;
  now?: () => Date;
}

export interface ScanReport {
  taken: string[];
  failed: Array<{ file: string; code: string; reason: string }>;
  waiting: string[];
}

const CONTENT_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.edi': 'application/edi-x12',
  '.x12': 'application/edi-x12',
  '.txt': 'application/edi-x12',
  '.xml': 'application/xml',
};

export function contentTypeFor(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

export function fileIdempotencyKey(content: Buffer, name: string): string {
  return `${createHash('sha256').update(content).digest('hex')}:${name}`;
}

export function startFileDrop(options: FileDropOptions, receive: Receive) {
  const now = options.now ?? (() => new Date());
  const stableMs = options.stableMs ?? 1000;
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  const processing = join(options.inbox, '.processing');
  const failedDir = join(options.inbox, '.failed');
  const sizes = new Map<string, { size: number; since: number }>();
  let stopped = false;
  let running: Promise<ScanReport> | null = null;

  async function hand(file: string, report: ScanReport): Promise<void> {
    const path = join(processing, file);
    const content = await readFile(path);
    const info = await stat(path);
    const envelope: InboundEnvelope = {
      transport: 'file',
      idempotencyKey: fileIdempotencyKey(content, file),
      contentType: contentTypeFor(file),
      body: content,
      receivedAt: now().toISOString(),
      meta: { fileName: file, size: String(info.size), mtime: info.mtime.toISOString() },
    };
    try {
      await receive(envelope);
      const done = join(options.inbox, '.done', now().toISOString().slice(0, 10));
      await mkdir(done, { recursive: true });
      await rename(path, join(done, file));
      report.taken.push(file);
    } catch (error) {
      await fail(file, path, 'RECEIVE_FAILED', (error as Error).message, report);
    }
  }

  async function fail(
    file: string,
    path: string,
    code: string,
    reason: string,
    report: ScanReport,
  ): Promise<void> {
    await mkdir(failedDir, { recursive: true });
    await rename(path, join(failedDir, file));
    await writeFile(
      join(failedDir, `${file}.error.json`),
      JSON.stringify({ file, code, reason, at: now().toISOString() }, null, 2),
    );
    report.failed.push({ file, code, reason });
  }

  async function scan(): Promise<ScanReport> {
    const report: ScanReport = { taken: [], failed: [], waiting: [] };
    await mkdir(processing, { recursive: true });
    // Left over by a crash: hand them over again before anything new.
    for (const file of await readdir(processing)) await hand(file, report);
    const t = now().getTime();
    for (const entry of await readdir(options.inbox, { withFileTypes: true })) {
      if (!entry.isFile() || entry.name.startsWith('.')) continue;
      if (options.pattern && !options.pattern.test(entry.name)) continue;
      const path = join(options.inbox, entry.name);
      const { size } = await stat(path);
      const seen = sizes.get(entry.name);
      if (!seen || seen.size !== size) {
        sizes.set(entry.name, { size, since: t });
        report.waiting.push(entry.name);
        continue;
      }
      if (t - seen.since < stableMs) {
        report.waiting.push(entry.name);
        continue;
      }
      sizes.delete(entry.name);
      const claimed = join(processing, entry.name);
      try {
        await rename(path, claimed); // atomic: another poller that lost the race gets ENOENT
      } catch {
        continue;
      }
      if (size > maxBytes) {
        await fail(entry.name, claimed, 'FILE_TOO_LARGE', `${size} bytes; the limit is ${maxBytes}`, report);
        continue;
      }
      await hand(entry.name, report);
    }
    return report;
  }

  const scanNow = (): Promise<ScanReport> => {
    running ??= scan().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void scanNow().catch(() => undefined);
  }, options.pollMs ?? 1000);
  timer.unref();
  return {
    scanNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

export type FileDrop = ReturnType<typeof startFileDrop>;

/** Outbound: one file per message, written whole under a temporary name, then renamed. */
export function createFileDropWriter(options: {
  outbox: string;
  nameFor?: (message: OutboundMessage) => string;
}): Deliver {
  const nameFor = options.nameFor ?? ((m: OutboundMessage) => `${m.type}-${m.id}.json`);
  return async (message) => {
    try {
      await mkdir(options.outbox, { recursive: true });
      const name = basename(nameFor(message));
      const temp = join(options.outbox, `.${name}.tmp`);
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(message.body);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, join(options.outbox, name));
      const dir = await open(options.outbox, 'r');
      try {
        await dir.sync(); // the rename itself survives a power cut
      } finally {
        await dir.close();
      }
      return { ok: true, detail: name };
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'IO_ERROR';
      const permanent = code === 'EACCES' || code === 'EROFS' || code === 'ENOTDIR';
      return { ok: false, errorCode: `FILE_${code}`, permanent, detail: (error as Error).message };
    }
  };
}
