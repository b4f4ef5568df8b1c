import { readFileSync } from 'node:fs';

/** The hub's version, from package.json; its own module so the CLI can print it without loading the hub. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
