/** File drop folders: batch inbound and outbound. The only public door. */
export {
  startFileDrop,
  createFileDropWriter,
  contentTypeFor,
  fileIdempotencyKey,
  type FileDrop,
  type FileDropOptions,
  type ScanReport,
} from './file-drop.js';
