import { parentPort } from 'node:worker_threads';
import { serveCsvRecords } from './csv-batches.js';

// The worker thread an import parses its CSV on (csv-batches.ts): the bytes come in from the
// importing thread, the records go back in flat batches.
if (parentPort) serveCsvRecords(parentPort);
