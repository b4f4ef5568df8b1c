import { createHash } from 'node:crypto';
import { extname } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.edi': 'application/edi-x12',
  '.x12': 'application/edi-x12',
  '.txt': 'application/edi-x12',
  '.xml': 'application/xml',
};

const EXTENSIONS: Record<string, string> = {
  'text/csv': '.csv',
  'application/json': '.json',
  'application/edi-x12': '.edi',
  'application/xml': '.xml',
  'text/xml': '.xml',
};

/** The content type a dropped file is taken as, from its extension (case ignored). */
export function contentTypeFor(fileName: string): string {
  return CONTENT_TYPES[extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/** The extension an outbound file gets for its content type (parameters ignored); `.bin` otherwise. */
export function extensionFor(contentType: string): string {
  return EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()] ?? '.bin';
}

/**
 * The inbox key of a dropped file: the same bytes under the same name are one message
 * (dropped twice, or handed over again after a crash); other bytes or another name are not.
 */
export function fileIdempotencyKey(content: Buffer, fileName: string): string {
  return `${createHash('sha256').update(content).digest('hex')}:${fileName}`;
}

/** A name that is one plain file inside the folder: no path, not hidden, not `.`/`..`. */
export function isPlainFileName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[/\\\0]/.test(name) && !name.startsWith('.');
}
