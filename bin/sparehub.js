#!/usr/bin/env node
// The CLI is compiled TypeScript; `npm install` builds it through the prepare script.
import { runCli } from '../dist/cli/main.js';

await runCli(process.argv);
