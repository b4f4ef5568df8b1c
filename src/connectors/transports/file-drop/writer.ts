import { mkdir } from 'node:fs/promises';
import type { Deliver, DeliveryResult, OutboundMessage } from '../types.js';
import { extensionFor, isPlainFileName } from './content.js';
import { isErrno, writeFileAtomically } from './moves.js';

export interface FileDropWriterOptions {
  /** Created when missing. */
  outbox: string;
  /**
   * The file name for a message; must be unique per message, since a file of the same name
   * is replaced (which is what makes a retried delivery harmless). Default
   * `<type>-<message id><extension for its content type>`.
   */
  nameFor?: (message: OutboundMessage) => string;
}

/** Errors a retry will not cure: the operator has to fix the folder first. */
const PERMANENT_ERRNO = ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'EEXIST'];

/**
 * Outbound drop folder: one file per message, written under a hidden temporary name,
 * fsynced, renamed into place and the folder fsynced, so a reader never sees half a file
 * and a delivered file survives a power cut. FILE_NAME_INVALID (a name that is not one
 * plain, visible file name) is permanent; FILE_WRITE_FAILED is permanent for permission
 * and folder problems, worth retrying otherwise (disk full, I/O errors).
 */
export function createFileDropWriter(options: FileDropWriterOptions): Deliver {
  const nameFor =
    options.nameFor ?? ((m: OutboundMessage) => `${m.type}-${m.id}${extensionFor(m.contentType)}`);
  return async (message): Promise<DeliveryResult> => {
    const name = nameFor(message);
    if (!isPlainFileName(name))
      return {
        ok: false,
        errorCode: 'FILE_NAME_INVALID',
        permanent: true,
        detail: `'${name.slice(0, 300)}' is not a plain file name (no path, not hidden, at most 255 characters)`,
      };
    try {
      await mkdir(options.outbox, { recursive: true });
      await writeFileAtomically(options.outbox, name, message.body);
      return { ok: true, detail: name };
    } catch (error) {
      const errno = (error as { code?: unknown }).code;
      return {
        ok: false,
        errorCode: isErrno(error, 'ENAMETOOLONG') ? 'FILE_NAME_INVALID' : 'FILE_WRITE_FAILED',
        permanent: isErrno(error, 'ENAMETOOLONG', ...PERMANENT_ERRNO),
        detail: `${name} in ${options.outbox}: ${typeof errno === 'string' ? `${errno} ` : ''}${(error as Error).message}`,
      };
    }
  };
}
