import fp from 'fastify-plugin';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import type { LabConfigCache } from '../lab-config/lab-config.ts';
import { createForecastRepository } from './forecast.repository.ts';
import { forecastRoutes } from './forecast.routes.ts';
import { createForecastService } from './forecast.service.ts';

/** Demand forecasting (CONTRACT §6): the five endpoints and the scheduled `refreshForecasts` job. */
export const forecastPlugin = fp<{ db: Db; labConfig: LabConfigCache; events: EventBus; clock: Clock }>(
  async (app, { db, labConfig, events, clock }) => {
    const forecast = createForecastService({ repo: createForecastRepository(db), labConfig, events, clock, log: app.log });
    // Run by the scheduler on the leader instance every 15 min (server.ts): weekly recalibration and
    // one stored vintage per organization and day, whether or not anyone asked for a forecast.
    app.jobs.refreshForecasts = () => forecast.refreshAll();
    app.addHook('onReady', async () => forecast.warmUp());
    await app.register(forecastRoutes, { forecast });
  },
  { name: 'ils-forecast' },
);
