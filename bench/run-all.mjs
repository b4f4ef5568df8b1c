// Runs every benchmark in bench/ in turn (npm run bench). Each prints its own figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const benches = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.bench.mjs'))
  .sort();
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file}`);
  const res = spawnSync(process.execPath, [`bench/${file}`], { stdio: 'inherit' });
  if (res.status !== 0) failed += 1;
}
process.exitCode = failed ? 1 : 0;
