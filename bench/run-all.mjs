// Runs every benchmark in bench/ in turn (npm run bench), each in its own process; each prints
// its own figures and writes them to bench/results/. Arguments filter by name:
//   node bench/run-all.mjs reservations
// work-orders.bench.mjs runs reservations.bench.mjs again inside it (short), for figures side by side.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmark in bench/ matches ${filters.join(', ')}`);
  process.exit(1);
}
const failed = [];
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const res = spawnSync(process.execPath, [join(here, file)], { stdio: 'inherit', cwd: join(here, '..') });
  if (res.status !== 0) failed.push(`${file} (${res.signal ?? `exit ${res.status}`})`);
}
if (failed.length > 0) console.error(`\nfailed: ${failed.join(', ')}`);
process.exitCode = failed.length > 0 ? 1 : 0;
