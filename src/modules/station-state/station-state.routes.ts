import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { activeUtilization01, STATION_STATES } from '../../analytics/station-state/station-state.ts';
import { VALIDATION_FAILED } from '../../platform/errors.ts';
import { envelope, ok } from '../../platform/http.ts';
import { LAB_ROLES } from '../../platform/roles.ts';
import type { StationStateService } from './station-state.service.ts';

const ZQuery = z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }).strict();
const ZUnitMinutes = z.object(Object.fromEntries(STATION_STATES.map((s) => [s, z.number()])) as Record<(typeof STATION_STATES)[number], z.ZodNumber>);

export const stationStateRoutes: FastifyPluginAsyncZod<{ stationState: StationStateService }> = async (app, { stationState }) => {
  app.get('/api/station-states', {
    schema: {
      tags: ['stations'],
      summary: 'Unit-minutes per state per station over a window, derived from scans and equipment events',
      querystring: ZQuery,
      response: { 200: envelope(z.array(z.object({ station: z.string(), unitMinutes: ZUnitMinutes, activeUtilization: z.number().nullable() }))) },
    },
    preHandler: app.requireRole(...LAB_ROLES),
  }, async (req) => {
    const fromMs = Date.parse(req.query.from);
    const toMs = Date.parse(req.query.to);
    if (toMs <= fromMs || toMs - fromMs > 366 * 86_400_000) {
      throw VALIDATION_FAILED.withDetails([{ path: 'querystring.to', message: 'must be after from, at most 366 days later' }], 'bad window');
    }
    const rows = await stationState.summary(req.auth.orgId, fromMs, toMs);
    return ok(rows.map((r) => ({ ...r, activeUtilization: activeUtilization01(r.unitMinutes) })));
  });
};
