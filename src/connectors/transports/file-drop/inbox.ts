import { mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { InboundEnvelope, Receive } from '../types.js';
import { contentTypeFor, fileIdempotencyKey } from './content.js';
import { isErrno, moveKeepingBoth, writeFileAtomically } from './moves.js';

/** Why a dropped file ended in `.failed/` (the code in its `.error.json`). */
export const FILE_DROP_ISSUE_CODES = ['FILE_TOO_LARGE', 'FILE_RECEIVE_FAILED'] as const;
export type FileDropIssueCode = (typeof FILE_DROP_ISSUE_CODES)[number];

/** The pino call shape, so the platform logger (or a child) can be passed as is. */
export interface FileDropLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface FileDropOptions {
  /** The watched folder; created when missing, with `.processing/`, `.done/` and `.failed/` inside. */
  inbox: string;
  /** Only names matching it are taken; hidden names (a leading dot) never are. */
  pattern?: RegExp;
  /** Between scans; 1 s unless told. */
  pollMs?: number;
  /** How long size and mtime must stay unchanged before a file is taken; 1 s unless told. */
  stableMs?: number;
  /** Larger files go to `.failed/` unread (FILE_TOO_LARGE); 256 MiB unless told. */
  maxBytes?: number;
  /** Receive attempts before a file goes to `.failed/` (FILE_RECEIVE_FAILED); 5 unless told. */
  maxAttempts?: number;
  /** Wait before the first retry of a failed receive, doubled per attempt up to 5 min; 5 s unless told. */
  retryDelayMs?: number;
  /** Receive errors not worth retrying; unless told, errors carrying `permanent: true`. */
  isPermanent?: (error: unknown) => boolean;
  /** Wall clock for receivedAt and the `.done/` day; stability is timed on a monotonic clock. */
  now?: () => Date;
}

export interface ScanReport {
  /** Handed to receive and moved to `.done/` (a duplicate too: the inbox had it already). */
  taken: Array<{ file: string; messageId: string; duplicate: boolean }>;
  /** Found in `.processing/` on start, left there by a crash, and handed over again. */
  recovered: string[];
  /** Receive failed; kept in `.processing/` for another attempt. */
  retrying: Array<{ file: string; attempts: number; reason: string }>;
  /** Moved to `.failed/` with a `.error.json` beside them. */
  failed: Array<{ file: string; code: FileDropIssueCode; reason: string }>;
  /** Seen but not yet stable (or still being written). */
  waiting: string[];
}

export interface FileDrop {
  /** Scans now, after any scan already running; resolves with what this scan did. */
  scanNow(): Promise<ScanReport>;
  /** Stops polling and waits for a running scan to finish. */
  stop(): Promise<void>;
}

const silent: FileDropLog = { info() {}, warn() {}, error() {} };
const MAX_RETRY_DELAY_MS = 5 * 60_000;

const defaultIsPermanent = (error: unknown): boolean =>
  (error as { permanent?: unknown } | null)?.permanent === true;

/**
 * Watches a drop folder (batch inbound). A file is taken once its size and mtime have not
 * changed for `stableMs` (so half-written files are never read), claimed by an atomic
 * rename into `.processing/`, handed to `receive`, and moved to `.done/YYYY-MM-DD/` only
 * after receive resolved — or to `.failed/` beside a `<name>.error.json` when it is too
 * large, when receive rejects with a permanent error, or after `maxAttempts` rejections
 * (retried from `.processing/` with growing delays until then). Files left in
 * `.processing/` by a crash are handed over again on start; the idempotency key (content
 * hash and name) makes the second hand-over a duplicate. Retry counts live in memory, so a
 * restart starts them afresh.
 */
export function startFileDrop(
  options: FileDropOptions,
  receive: Receive,
  log: FileDropLog = silent,
): FileDrop {
  const now = options.now ?? (() => new Date());
  const stableMs = options.stableMs ?? 1000;
  const maxBytes = options.maxBytes ?? 256 * 1024 * 1024;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const retryDelayMs = options.retryDelayMs ?? 5000;
  const isPermanent = options.isPermanent ?? defaultIsPermanent;
  const processingDir = join(options.inbox, '.processing');
  const failedDir = join(options.inbox, '.failed');
  const where = { inbox: options.inbox };
  /** Inbox files being watched for stability: size/mtime signature and since when (monotonic). */
  const watching = new Map<string, { signature: string; since: number }>();
  /** Files in `.processing/` that this drop will try again, and when (monotonic). */
  const retries = new Map<string, { attempts: number; dueAt: number }>();
  let recoveredOnStart = false;

  async function fail(
    file: string,
    code: FileDropIssueCode,
    reason: string,
    report: ScanReport,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    const stored = await moveKeepingBoth(join(processingDir, file), failedDir, file);
    const record = { file, storedAs: stored, code, reason, ...extra, failedAt: now().toISOString() };
    await writeFileAtomically(failedDir, `${stored}.error.json`, `${JSON.stringify(record, null, 2)}\n`);
    retries.delete(file);
    report.failed.push({ file, code, reason });
    log.error({ ...where, file, storedAs: stored, code, reason }, 'file drop: file moved to .failed');
  }

  /** One file's trouble (a full disk, a vanished file) must not stop the scan for the others. */
  async function handOver(file: string, report: ScanReport): Promise<void> {
    try {
      await handOverOrThrow(file, report);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) {
        retries.delete(file); // another drop on the same folder took it
        return;
      }
      retries.set(file, {
        attempts: retries.get(file)?.attempts ?? 0,
        dueAt: performance.now() + retryDelayMs,
      });
      log.error({ ...where, file, err: error }, 'file drop: handling the file failed; will retry');
    }
  }

  /** Hands one claimed file (in `.processing/`) to receive, then files it where it belongs. */
  async function handOverOrThrow(file: string, report: ScanReport): Promise<void> {
    const path = join(processingDir, file);
    const info = await stat(path);
    if (info.size > maxBytes) {
      await fail(file, 'FILE_TOO_LARGE', `${info.size} bytes; the limit is ${maxBytes}`, report, {
        size: info.size,
      });
      return;
    }
    const body = await readFile(path);
    const envelope: InboundEnvelope = {
      transport: 'file',
      idempotencyKey: fileIdempotencyKey(body, file),
      contentType: contentTypeFor(file),
      body,
      receivedAt: now().toISOString(),
      meta: { fileName: file, size: String(body.length), mtime: info.mtime.toISOString() },
    };
    let received;
    try {
      received = await receive(envelope);
    } catch (error) {
      const attempts = (retries.get(file)?.attempts ?? 0) + 1;
      const reason = error instanceof Error ? error.message : String(error);
      const errorCode = (error as { code?: unknown } | null)?.code;
      if (isPermanent(error) || attempts >= maxAttempts) {
        await fail(file, 'FILE_RECEIVE_FAILED', reason, report, {
          attempts,
          ...(typeof errorCode === 'string' ? { errorCode } : {}),
          idempotencyKey: envelope.idempotencyKey,
        });
        return;
      }
      const delay = Math.min(retryDelayMs * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
      retries.set(file, { attempts, dueAt: performance.now() + delay });
      report.retrying.push({ file, attempts, reason });
      log.warn(
        { ...where, file, attempts, retryInMs: delay, err: error },
        'file drop: receive failed; will retry',
      );
      return;
    }
    // Received: should the move fail, handOver retries later and receive calls it a duplicate.
    const day = now().toISOString().slice(0, 10);
    const stored = await moveKeepingBoth(path, join(options.inbox, '.done', day), file);
    retries.delete(file);
    report.taken.push({ file, messageId: received.messageId, duplicate: received.duplicate });
    log.info(
      {
        ...where,
        file,
        storedAs: `.done/${day}/${stored}`,
        messageId: received.messageId,
        duplicate: received.duplicate,
      },
      'file drop: file received',
    );
  }

  async function scan(): Promise<ScanReport> {
    const report: ScanReport = { taken: [], recovered: [], retrying: [], failed: [], waiting: [] };
    await mkdir(processingDir, { recursive: true });

    // From .processing: on the first scan everything (a crash left it); later, what is due again.
    const recovering = !recoveredOnStart;
    for (const entry of await readdir(processingDir, { withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const retry = retries.get(entry.name);
      if (recovering) report.recovered.push(entry.name);
      else if (!retry || retry.dueAt > performance.now()) continue;
      await handOver(entry.name, report);
    }
    recoveredOnStart = true; // only once .processing could be read: a failed first scan recovers next time

    const present = new Set<string>();
    for (const entry of await readdir(options.inbox, { withFileTypes: true })) {
      if (!entry.isFile() || entry.name.startsWith('.')) continue;
      if (options.pattern && !options.pattern.test(entry.name)) continue;
      const file = entry.name;
      present.add(file);
      const path = join(options.inbox, file);
      let info;
      try {
        info = await stat(path);
      } catch (error) {
        if (isErrno(error, 'ENOENT')) continue; // taken away meanwhile
        throw error;
      }
      const signature = `${info.size}:${info.mtimeMs}`;
      const seen = watching.get(file);
      const t = performance.now();
      if (!seen || seen.signature !== signature) {
        watching.set(file, { signature, since: t });
        report.waiting.push(file);
        continue;
      }
      // A name still in .processing (awaiting a retry) waits, rather than overwrite it.
      if (t - seen.since < stableMs || retries.has(file)) {
        report.waiting.push(file);
        continue;
      }
      watching.delete(file);
      try {
        await rename(path, join(processingDir, file)); // atomic: one claimant wins
      } catch (error) {
        if (isErrno(error, 'ENOENT')) continue; // another drop on the same folder claimed it
        throw error;
      }
      await handOver(file, report);
    }
    for (const file of watching.keys()) if (!present.has(file)) watching.delete(file);
    return report;
  }

  let stopped = false;
  let pending = 0;
  let chain: Promise<unknown> = Promise.resolve();
  const enqueue = (): Promise<ScanReport> => {
    pending++;
    const next = chain.then(scan).finally(() => pending--);
    chain = next.catch(() => undefined);
    return next;
  };
  const tick = (): void => {
    if (stopped || pending > 0) return;
    enqueue().catch((error: unknown) => log.error({ ...where, err: error }, 'file drop: scan failed'));
  };
  const timer = setInterval(tick, options.pollMs ?? 1000);
  timer.unref();
  tick(); // recovers what a crash left in .processing without waiting a poll interval

  return {
    scanNow() {
      return stopped ? Promise.reject(new Error(`file drop on ${options.inbox} is stopped`)) : enqueue();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await chain;
    },
  };
}
