/** File drop folders: batch inbound and outbound. The only public door. */
export {
  startFileDrop,
  FILE_DROP_ISSUE_CODES,
  type FileDrop,
  type FileDropIssueCode,
  type FileDropLog,
  type FileDropOptions,
  type ScanReport,
} from './inbox.js';
export { createFileDropWriter, type FileDropWriterOptions } from './writer.js';
export { contentTypeFor, fileIdempotencyKey } from './content.js';
