// Writes web/src/openapi.d.ts: the TypeScript types of the API's requests and answers, made
// from docs/openapi.json by openapi-typescript. The dashboard names the answers it reads
// through them (web/src/api-types.ts), so a route whose schema changes without the dashboard
// following fails the dashboard's type check instead of a page at run time. The document is
// kept true by test/int/docs.int.test.ts; this file is made from it by `npm run build` and
// `npm run typecheck`, never edited or committed. Run: node scripts/openapi-types.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';

const doc = JSON.parse(readFileSync(new URL('../docs/openapi.json', import.meta.url), 'utf8'));
writeFileSync(
  new URL('../web/src/openapi.d.ts', import.meta.url),
  '// Made from docs/openapi.json by scripts/openapi-types.mjs (npm run build): do not edit.\n\n' +
    astToString(await openapiTS(doc)),
);
