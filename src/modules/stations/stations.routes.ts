import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { envelope, ok } from '../../platform/http.ts';
import { LAB_ROLES } from '../../platform/roles.ts';
import type { StationsService } from './stations.service.ts';
import { ZPutStation, ZStation, ZStationCodeParams } from './stations.schema.ts';

export const stationsRoutes: FastifyPluginAsyncZod<{ stations: StationsService }> = async (app, { stations }) => {
  app.get('/api/stations', {
    schema: { tags: ['stations'], summary: 'The production stations, in route order', response: { 200: envelope(z.array(ZStation)) } },
    preHandler: app.requireRole(...LAB_ROLES),
  }, async (req) => ok(await stations.list(req.auth)));

  app.put('/api/stations/:code', {
    schema: { tags: ['stations'], summary: 'Create a station or change its configuration', params: ZStationCodeParams, body: ZPutStation, response: { 200: envelope(ZStation) } },
    preHandler: app.requireRole('admin', 'manager'),
  }, async (req) => ok(await stations.put(req.auth, req.params.code, req.body)));
};
