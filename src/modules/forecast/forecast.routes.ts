import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { envelope, ok } from '../../platform/http.ts';
import { LAB_ROLES } from '../../platform/roles.ts';
import type { ForecastService } from './forecast.service.ts';
import {
  ZDaysAheadQuery,
  ZForecastMetrics,
  ZForecastPatterns,
  ZGenerateBody,
  ZGeneratedForecast,
  ZNoQuery,
  ZStaffingPlan,
  ZSurgeOutlook,
} from './forecast.schema.ts';

// CONTRACT §6. Every lab role reads forecasts; an ECP sees no lab analytics (403). Defaults when
// daysAhead is absent are the seed's (7, surge 30); a bad value is 400.

export const forecastRoutes: FastifyPluginAsyncZod<{ forecast: ForecastService }> = async (app, { forecast }) => {
  const readers = app.requireRole(...LAB_ROLES);

  app.post('/api/ai/forecast/generate', {
    schema: {
      tags: ['forecast'],
      summary: 'Daily order intake for the next 1–30 days from tomorrow (organization time zone), with 80 %/95 % intervals; stored as a vintage',
      body: ZGenerateBody.nullish(),
      response: { 200: envelope(ZGeneratedForecast) },
    },
    preHandler: readers,
  }, async (req) => ok(await forecast.generate(req.auth, req.body?.daysAhead ?? 7)));

  app.get('/api/ai/forecast/staffing', {
    schema: {
      tags: ['forecast'],
      summary: "Recommended headcount per day, station and role at the lab's service level τ, with the formula's inputs",
      querystring: ZDaysAheadQuery,
      response: { 200: envelope(ZStaffingPlan) },
    },
    preHandler: readers,
  }, async (req) => ok(await forecast.staffing(req.auth, req.query.daysAhead ?? 7)));

  app.get('/api/ai/forecast/surge', {
    schema: {
      tags: ['forecast'],
      summary: 'P(workload > bottleneck capacity) per day and the surge periods where it exceeds 0.5, naming the limiting station',
      querystring: ZDaysAheadQuery,
      response: { 200: envelope(ZSurgeOutlook) },
    },
    preHandler: readers,
  }, async (req) => ok(await forecast.surge(req.auth, req.query.daysAhead ?? 30)));

  app.get('/api/ai/forecast/patterns', {
    schema: {
      tags: ['forecast'],
      summary: 'Weekday, month and quarter indices from a seasonal decomposition of the intake history, with sample sizes',
      querystring: ZNoQuery,
      response: { 200: envelope(ZForecastPatterns) },
    },
    preHandler: readers,
  }, async (req) => ok(await forecast.patterns(req.auth)));

  app.get('/api/ai/forecast/metrics', {
    schema: {
      tags: ['forecast'],
      summary: 'Live accuracy of stored forecast vintages against realized intake: MASE, sMAPE, coverage, value added over the seasonal naive, by horizon',
      querystring: ZNoQuery,
      response: { 200: envelope(ZForecastMetrics) },
    },
    preHandler: readers,
  }, async (req) => ok(await forecast.metrics(req.auth)));
};
