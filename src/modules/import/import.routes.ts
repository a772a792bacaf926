import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { envelope, ok } from '../../platform/http.ts';
import { UNSUPPORTED_MEDIA_TYPE } from '../../platform/errors.ts';
import type { ImportService } from './import.service.ts';
import { ZImportResult } from './import.schema.ts';
import { readCsv, readNdjson } from './line-reader.ts';

// Years of history are large: the body streams through (never buffered), up to 4 GiB per call.
const IMPORT_BODY_LIMIT = 4 * 1024 ** 3;

export const importRoutes: FastifyPluginAsyncZod<{ importer: ImportService }> = async (app, { importer }) => {
  // Scoped to this plugin: elsewhere these types stay 415.
  const passStream = (_req: unknown, payload: Readable, done: (err: null, body: Readable) => void) => done(null, payload);
  app.addContentTypeParser('application/x-ndjson', passStream);
  app.addContentTypeParser('text/csv', passStream);

  app.post('/api/import/orders', {
    schema: {
      tags: ['import'],
      summary: 'Load order history (NDJSON or CSV with a header row): valid lines commit, bad ones are reported by line number',
      consumes: ['application/x-ndjson', 'text/csv'],
      response: { 200: envelope(ZImportResult) },
    },
    bodyLimit: IMPORT_BODY_LIMIT,
    preHandler: app.requireRole('admin', 'manager'),
  }, async (req) => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const stream = req.body as Readable;
    if (type !== 'application/x-ndjson' && type !== 'text/csv') throw UNSUPPORTED_MEDIA_TYPE(type || '(none)', 'application/x-ndjson or text/csv');
    return ok(await importer.importOrders(req.auth, type === 'text/csv' ? readCsv(stream) : readNdjson(stream)));
  });
};
