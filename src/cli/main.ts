import { Command } from 'commander';
import { ConfigError } from '../config.ts';
import { DataDirLockedError } from '../db/lockfile.ts';
import { registerAdminCommands } from './admin.commands.ts';
import { registerServerCommands } from './server.commands.ts';
import { registerImportCommands } from './import.commands.ts';
import { registerSimulateCommands } from './simulate.commands.ts';
import { registerDemoCommands } from './demo.commands.ts';

export function buildCli(): Command {
  const program = new Command('ils').description('ILS — the Integrated Lens System').showHelpAfterError();
  registerServerCommands(program);
  registerAdminCommands(program);
  registerImportCommands(program);
  registerSimulateCommands(program);
  registerDemoCommands(program);
  return program;
}

try {
  await buildCli().parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    console.error(err.message);
    process.exit(2);
  }
  // An operator mistake (unknown organization, missing option, invalid value) reads as one line.
  console.error(`ils: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
