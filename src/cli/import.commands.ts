import { createReadStream, existsSync } from 'node:fs';
import type { Command } from 'commander';
import { createLabConfigCache } from '../modules/lab-config/lab-config.ts';
import { createImportService } from '../modules/import/import.service.ts';
import { defaultImportWorkers } from '../modules/import/chunk-preparer.ts';
import { readCsv, readNdjson } from '../modules/import/line-reader.ts';
import { createOrganizationsRepository } from '../modules/organizations/organizations.repository.ts';
import { systemClock } from '../platform/clock.ts';
import { createEventBus } from '../platform/events.ts';
import { operatorOf, parseCount, parseEnum, progressReporter, withDatabase } from './support.ts';

export function registerImportCommands(program: Command): void {
  program
    .command('import')
    .description('Load order history from an NDJSON or CSV file (one order per line, with its scans)')
    .argument('<file>', 'path to the file')
    .requiredOption('--org <id>', 'organization id')
    .option('--format <format>', 'ndjson or csv (default: from the file extension)', parseEnum(['ndjson', 'csv'] as const))
    .option('--workers <n>', `threads that check lines (0: none; default: ${defaultImportWorkers()}, one per core)`, parseCount, defaultImportWorkers())
    .action(async (file: string, o: { org: string; format?: 'ndjson' | 'csv'; workers: number }) => {
      if (!existsSync(file)) throw new Error(`File not found: ${file}`);
      const format = o.format ?? (file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson');
      await withDatabase(async ({ db }) => {
        if (!(await createOrganizationsRepository(db).findById(o.org).catch(() => undefined))) throw new Error(`Organization ${o.org} not found`);
        const importer = createImportService({ db, labConfig: createLabConfigCache(db), events: createEventBus(), clock: systemClock, workers: o.workers });
        const stream = createReadStream(file);
        const progress = progressReporter('import');
        const started = Date.now();
        const result = await importer.importOrders(operatorOf(o.org), format === 'csv' ? readCsv(stream) : readNdjson(stream), (p) => progress.update({ ...p, 'orders/s': Math.round(p.imported / ((Date.now() - started) / 1000)) }));
        progress.done();
        for (const e of result.errors) console.error(`line ${e.line}: ${e.code} ${e.message}`);
        console.log(JSON.stringify({ imported: result.imported, duplicates: result.duplicates, errorCount: result.errorCount, seconds: (Date.now() - started) / 1000 }));
      });
    });
}
