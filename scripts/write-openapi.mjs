// Writes docs/openapi.json from the running code, so the committed document stays true
// (test/int/docs.int.test.ts fails when it drifts). Run: npm run openapi
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHub } from '../dist/main.js';
import { loadConfig } from '../dist/platform/config.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sparehub-openapi-'));
const hub = await openHub(loadConfig({}, { dataDir, logLevel: 'silent' }));
try {
  await hub.app.ready();
  const doc = hub.app.swagger();
  writeFileSync(new URL('../docs/openapi.json', import.meta.url), JSON.stringify(doc, null, 2) + '\n');
  console.log(`docs/openapi.json: ${Object.keys(doc.paths ?? {}).length} paths`);
} finally {
  await hub.close();
  rmSync(dataDir, { recursive: true, force: true });
}
