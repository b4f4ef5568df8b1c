import { Command } from 'commander';
import { isAppError } from '../platform/errors.js';
import { VERSION } from '../platform/version.js';

type Register = (program: Command) => void;

/**
 * Every command, in the order `--help` lists them, with the top-level names each module
 * registers. A module is loaded only when its command runs: `sparehub import` then skips
 * the HTTP server, the connectors and the planners (~0.7 s of module loading per process).
 */
const COMMANDS: ReadonlyArray<{ names: readonly string[]; load: () => Promise<Register> }> = [
  { names: ['serve'], load: async () => (await import('./serve.command.js')).registerServeCommand },
  { names: ['migrate'], load: async () => (await import('./migrate.command.js')).registerMigrateCommand },
  { names: ['demo'], load: async () => (await import('./demo.command.js')).registerDemoCommand },
  { names: ['verify'], load: async () => (await import('./verify.command.js')).registerVerifyCommand },
  { names: ['apikey'], load: async () => (await import('./apikey.command.js')).registerApiKeyCommand },
  {
    names: ['import', 'export'],
    load: async () => (await import('./import.command.js')).registerImportCommands,
  },
  { names: ['edi'], load: async () => (await import('./edi.command.js')).registerEdiCommand },
  {
    names: ['sandbox', 'replay'],
    load: async () => (await import('./replay.command.js')).registerReplayCommands,
  },
  {
    names: ['simulate'],
    load: async () => (await import('./simulate.command.js')).registerSimulateCommand,
  },
  {
    names: ['forecast'],
    load: async () => (await import('./forecast.command.js')).registerForecastCommands,
  },
  { names: ['plan'], load: async () => (await import('./plan.command.js')).registerPlanCommands },
];

export async function runCli(argv: string[]): Promise<void> {
  const program = new Command()
    .name('sparehub')
    .description(
      'Service parts integration hub. DATABASE_URL=postgres://… selects PostgreSQL; otherwise SQLite in --data-dir.',
    )
    .version(VERSION);
  // The program itself takes no option with a value, so the first word is the command. No
  // command, `help`, or a name we do not know: register them all, for the listing or the
  // "did you mean" suggestion.
  const args = argv.slice(2);
  const name = args.find((arg) => !arg.startsWith('-'));
  const only = COMMANDS.find((command) => name !== undefined && command.names.includes(name));
  // `sparehub --version` needs no command at all.
  const versionOnly = name === undefined && (args.includes('--version') || args.includes('-V'));
  // An import parses its file on a thread of its own: started now, the thread's start (~0.1 s)
  // overlaps the loading of the hub's modules (~0.3 s) instead of following it.
  if (name === 'import') (await import('../modules/catalog/import/csv-batches.js')).startParserThreadEarly();
  const wanted = versionOnly ? [] : only ? [only] : COMMANDS;
  const registers = await Promise.all(wanted.map((command) => command.load()));
  for (const register of registers) register(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.stderr.write(`${describeFailure(error)}\n`);
    process.exitCode = 1;
  }
}

/**
 * A failed command in one line a person can act on: an AppError with its stable code, a file
 * that cannot be read with the system's words for it. The stack trace only with LOG_LEVEL=debug.
 */
function describeFailure(error: unknown): string {
  const debug = ['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '');
  if (!(error instanceof Error)) return `sparehub: ${String(error)}`;
  const line = `sparehub: ${isAppError(error) ? `${error.code}: ` : ''}${error.message}`;
  return debug && error.stack ? `${line}\n${error.stack}` : line;
}
