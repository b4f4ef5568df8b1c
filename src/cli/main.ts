import { Command } from 'commander';
import { VERSION } from '../main.js';
import { registerApiKeyCommand } from './apikey.command.js';
import { registerDemoCommand } from './demo.command.js';
import { registerEdiCommand } from './edi.command.js';
import { registerForecastCommands } from './forecast.command.js';
import { registerImportCommands } from './import.command.js';
import { registerMigrateCommand } from './migrate.command.js';
import { registerPlanCommands } from './plan.command.js';
import { registerReplayCommands } from './replay.command.js';
import { registerServeCommand } from './serve.command.js';
import { registerSimulateCommand } from './simulate.command.js';
import { registerVerifyCommand } from './verify.command.js';

export async function runCli(argv: string[]): Promise<void> {
  const program = new Command()
    .name('sparehub')
    .description(
      'Service parts integration hub. DATABASE_URL=postgres://… selects PostgreSQL; otherwise SQLite in --data-dir.',
    )
    .version(VERSION);
  registerServeCommand(program);
  registerMigrateCommand(program);
  registerDemoCommand(program);
  registerVerifyCommand(program);
  registerApiKeyCommand(program);
  registerImportCommands(program);
  registerEdiCommand(program);
  registerReplayCommands(program);
  registerSimulateCommand(program);
  registerForecastCommands(program);
  registerPlanCommands(program);
  await program.parseAsync(argv);
}
