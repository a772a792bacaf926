import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/client.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { serve } from '../server.ts';

export function registerServerCommands(program: Command): void {
  program
    .command('serve')
    .description('Run the ILS server (embedded PostgreSQL in DATA_DIR unless DATABASE_URL is set)')
    .action(async () => {
      await serve(loadConfig());
    });

  program
    .command('migrate')
    .description('Apply database migrations and exit')
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
      try {
        await migrateDatabase(database);
        console.log(`Migrations applied (${database.engine}).`);
      } finally {
        await database.close();
      }
    });
}
