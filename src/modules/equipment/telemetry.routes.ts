import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { envelope, ok, ZIdParams } from '../../platform/http.ts';
import { EQUIPMENT_READERS, EQUIPMENT_REPORTERS } from './equipment.routes.ts';
import type { TelemetryService } from './telemetry.service.ts';
import { ZMachineTelemetry, ZTelemetryAccepted, ZTelemetryBatch, ZTelemetryQuery, ZTelemetryWindow } from './telemetry.schema.ts';

// 10,000 readings at up to ~200 bytes each (a 36-character id, a 64-character metric, a full
// ISO time with offset) is 2 MB compact, more pretty-printed; 8 MB keeps every legal batch under
// the limit, so a batch is refused for its count (400) before its bytes (413).
const TELEMETRY_BODY_LIMIT = 8 * 1024 * 1024;

export const telemetryRoutes: FastifyPluginAsyncZod<{ telemetry: TelemetryService }> = async (app, { telemetry }) => {
  const reporters = app.requireRole(...EQUIPMENT_REPORTERS);

  app.post('/api/equipment/:id/telemetry', {
    schema: { tags: ['telemetry'], summary: "One machine's readings (≤ 10,000 per call)", params: ZIdParams, body: ZMachineTelemetry, response: { 202: envelope(ZTelemetryAccepted) } },
    bodyLimit: TELEMETRY_BODY_LIMIT,
    preHandler: reporters,
  }, async (req, reply) => reply.code(202).send(ok(await telemetry.ingestForMachine(req.auth, req.params.id, req.body.readings))));

  app.post('/api/telemetry', {
    schema: { tags: ['telemetry'], summary: "A gateway's readings for several machines (≤ 10,000 per call, all or nothing)", body: ZTelemetryBatch, response: { 202: envelope(ZTelemetryAccepted) } },
    bodyLimit: TELEMETRY_BODY_LIMIT,
    preHandler: reporters,
  }, async (req, reply) => reply.code(202).send(ok(await telemetry.ingestBatch(req.auth, req.body.readings))));

  app.get('/api/equipment/:id/telemetry', {
    schema: {
      tags: ['telemetry'],
      summary: "A machine's readings over a window: raw, or hourly mean/min/max/stddev",
      params: ZIdParams,
      querystring: ZTelemetryQuery,
      response: { 200: envelope(ZTelemetryWindow) },
    },
    preHandler: app.requireRole(...EQUIPMENT_READERS),
  }, async (req) => ok(await telemetry.window(req.auth, req.params.id, req.query)));
};
