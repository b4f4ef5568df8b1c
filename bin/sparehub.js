#!/usr/bin/env node
// The CLI is compiled TypeScript; `npm install` builds it through the prepare script.
import { setFlagsFromString } from 'node:v8';
import { runCli } from '../dist/cli/main.js';

// V8 lets the heap grow to up to four times what survived the last full collection before it
// collects again; the hub lets it grow to twice that. A 1,000,000-line inventory snapshot keeps
// 50-100 MB alive: its peak RSS was 440-570 MB with V8's default and is 310-460 MB with this,
// in the same time (docs/decisions/0010-chunked-inventory-snapshots.md). V8 reads the factor at
// every collection, so setting it here, before any work, holds for the whole process. A
// --heap-growing-percent given to node (or in NODE_OPTIONS) wins; 0 there is V8's default.
const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
if (
  !flags.some(
    (flag) => flag.startsWith('--heap-growing-percent') || flag.startsWith('--heap_growing_percent'),
  )
)
  setFlagsFromString('--heap-growing-percent=100');

await runCli(process.argv);
