import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import { createAttemptLimiter } from './platform/attempt-limiter.ts';
import { authPlugin, credentialOf } from './platform/auth-plugin.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { installErrorHandling } from './platform/error-handler.ts';
import { AppError, RATE_LIMITED } from './platform/errors.ts';
import { createEventBus, type EventBus } from './platform/events.ts';
import { createMetrics, metricsPlugin, type Metrics } from './platform/metrics.ts';
import { hashToken } from './platform/secrets.ts';
import { createApiKeysRepository } from './modules/api-keys/api-keys.repository.ts';
import { apiKeysRoutes } from './modules/api-keys/api-keys.routes.ts';
import { createApiKeysService } from './modules/api-keys/api-keys.service.ts';
import { createAuthRepository } from './modules/auth/auth.repository.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { createAuthService } from './modules/auth/auth.service.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { createOrganizationsRepository } from './modules/organizations/organizations.repository.ts';
import { organizationsRoutes } from './modules/organizations/organizations.routes.ts';
import { createOrganizationsService } from './modules/organizations/organizations.service.ts';
import { createUsersRepository } from './modules/users/users.repository.ts';
import { usersRoutes } from './modules/users/users.routes.ts';
import { createUsersService } from './modules/users/users.service.ts';
import { organizationSeeders } from './modules/seeders.ts';
import { createLabConfigCache } from './modules/lab-config/lab-config.ts';
import { labSettingsRoutes } from './modules/lab-config/lab-settings.routes.ts';
import { createLabSettingsService } from './modules/lab-config/lab-settings.service.ts';
import { createStationsRepository } from './modules/stations/stations.repository.ts';
import { stationsRoutes } from './modules/stations/stations.routes.ts';
import { createStationsService } from './modules/stations/stations.service.ts';
import { createOrdersRepository } from './modules/orders/orders.repository.ts';
import { ordersRoutes } from './modules/orders/orders.routes.ts';
import { createOrdersService, type OrderCreatedHook } from './modules/orders/orders.service.ts';
import { scansRoutes } from './modules/orders/scans.routes.ts';
import { createScansService } from './modules/orders/scans.service.ts';
import { createQualityRepository } from './modules/quality/quality.repository.ts';
import { qualityRoutes } from './modules/quality/quality.routes.ts';
import { createQualityService } from './modules/quality/quality.service.ts';
import { createEquipmentRepository } from './modules/equipment/equipment.repository.ts';
import { equipmentRoutes } from './modules/equipment/equipment.routes.ts';
import { createEquipmentService } from './modules/equipment/equipment.service.ts';
import { createTelemetryRepository } from './modules/equipment/telemetry.repository.ts';
import { telemetryRoutes } from './modules/equipment/telemetry.routes.ts';
import { createTelemetryService } from './modules/equipment/telemetry.service.ts';
import { pruneTelemetry } from './modules/equipment/telemetry-retention.ts';
import { limsPlugin } from './modules/lims/lims.plugin.ts';
import { forecastPlugin } from './modules/forecast/forecast.plugin.ts';
import { realtimeRoutes } from './modules/realtime/realtime.routes.ts';
import type { RealtimeOptions } from './modules/realtime/realtime-gateway.ts';
import type { Fanout } from './platform/fanout.ts';
import { importRoutes } from './modules/import/import.routes.ts';
import { createImportService } from './modules/import/import.service.ts';
import { createStationStateRepository } from './modules/station-state/station-state.repository.ts';
import { stationStateRoutes } from './modules/station-state/station-state.routes.ts';
import { createStationStateService } from './modules/station-state/station-state.service.ts';
import { workerDayDeriver } from './modules/station-state/day-deriver.ts';

export interface AppDeps {
  config: Config;
  database: Database;
  clock?: Clock;
  redis?: Redis;
  logger?: FastifyServerOptions['logger'];
  /** Prefix for shared rate-limit keys in Redis (tests give each app its own). */
  namespace?: string;
  /** Real-time fan-out; default: Redis pub/sub when `redis` is given, else in-process. */
  fanout?: Fanout;
  /** Real-time channel limits and timers (tests shorten them); defaults in realtime-gateway.ts. */
  realtime?: Partial<RealtimeOptions>;
}

export interface Lifecycle {
  draining: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: Lifecycle;
    events: EventBus;
    metrics: Metrics;
    /** Background work, run by the scheduler on the leader instance (and by tests directly). */
    jobs: Record<string, () => Promise<unknown>>;
    /** Every route registered, in order (the robustness and tenancy probes walk it). */
    routeTable: Array<{ method: string; url: string; public: boolean }>;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the whole application; never listens (server.ts does). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database, redis } = deps;
  const clock = deps.clock ?? systemClock;
  const namespace = deps.namespace ?? 'ils';

  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    requestTimeout: 60_000,
    keepAliveTimeout: 10_000,
    // Echo a caller's request id when it is safe to log; otherwise make one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON is the API's language; anything else is 415 unless a route registers its own parser.
  app.removeContentTypeParser('text/plain');

  const metrics = createMetrics();
  const events = createEventBus(app.log);
  events.onAny((e) => void metrics.eventsPublished.inc({ type: e.type }));
  app.decorate('lifecycle', { draining: false });
  app.decorate('events', events);
  app.decorate('metrics', metrics);
  app.decorate('routeTable', []);
  app.decorate('jobs', {});
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') app.routeTable.push({ method, url: route.url, public: route.config?.public === true });
    }
  });
  app.addHook('onRequest', async (req, reply) => void reply.header('x-request-id', req.id));
  installErrorHandling(app);

  // --- external plugins --------------------------------------------------------------------
  await app.register(cookie);
  // CSP off: the API answers JSON, which a CSP does not protect; /docs sets its own (staticCSP).
  await app.register(helmet, { contentSecurityPolicy: false, global: true });
  await app.register(cors, { origin: config.CORS_ORIGINS.length ? config.CORS_ORIGINS : false, credentials: true });
  await app.register(rateLimit, {
    global: true,
    max: config.RATE_LIMIT_PER_MINUTE,
    timeWindow: 60_000,
    redis,
    nameSpace: `${namespace}:rl:`,
    skipOnError: true, // a Redis outage degrades to no shared limit rather than refusing every request
    // Per credential when there is one (a lab behind one NAT is many users), else per address.
    keyGenerator: (req) => {
      const token = credentialOf(req);
      return token ? `t:${hashToken(token)}` : `ip:${req.ip}`;
    },
    errorResponseBuilder: (_req, ctx) => new AppError(RATE_LIMITED.code, 429, `Too many requests; retry after ${ctx.after}`),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'ILS — Integrated Lens System API', version: '1', description: 'Operations platform for prescription lens labs. See CONTRACT.md.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'ils_session' } } },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { docExpansion: 'list' } });
  await app.register(metricsPlugin, { metrics });

  // --- platform ------------------------------------------------------------------------------
  const db = database.db;
  const authRepo = createAuthRepository(db);
  const usersRepo = createUsersRepository(db);
  const organizationsRepo = createOrganizationsRepository(db);
  const auth = createAuthService({ db, repo: authRepo, users: usersRepo, organizations: organizationsRepo, events, clock, sessionTtlHours: config.SESSION_TTL_HOURS, seeders: organizationSeeders() });
  await app.register(authPlugin, { authenticate: auth.authenticate });

  // --- features ------------------------------------------------------------------------------
  const readiness = {
    async check() {
      if (app.lifecycle.draining) return 'draining';
      try {
        await database.ping();
        return null;
      } catch {
        return 'database unreachable';
      }
    },
  };
  await app.register(healthRoutes, { readiness });
  await app.register(authRoutes, {
    auth,
    sessionTtlHours: config.SESSION_TTL_HOURS,
    loginAttempts: createAttemptLimiter({ max: config.LOGIN_ATTEMPTS_PER_WINDOW, windowMs: 15 * 60_000, namespace, redis }),
  });
  await app.register(organizationsRoutes, { organizations: createOrganizationsService({ repo: organizationsRepo, events, clock }) });
  await app.register(usersRoutes, { users: createUsersService({ repo: usersRepo, events, clock, onCredentialsChanged: auth.forgetUser }) });
  await app.register(apiKeysRoutes, { apiKeys: createApiKeysService({ repo: createApiKeysRepository(db), clock, events, onRevoked: auth.forgetApiKey }) });

  // --- lab configuration, orders and job tracking ---------------------------------------------
  const labConfig = createLabConfigCache(db);
  events.on('organization.updated', (e) => labConfig.invalidate(e.orgId));
  await app.register(stationsRoutes, { stations: createStationsService({ repo: createStationsRepository(db), labConfig, events, clock }) });
  await app.register(labSettingsRoutes, { labSettings: createLabSettingsService({ db, labConfig, clock }) });
  const ordersRepo = createOrdersRepository(db);
  const qualityRepo = createQualityRepository(db);
  // Work that commits with each new order (the LIMS outbox registers here, below).
  const orderCreatedHooks: OrderCreatedHook[] = [];
  const orders = createOrdersService({ db, repo: ordersRepo, labConfig, events, clock, onCreated: orderCreatedHooks });
  const scans = createScansService({ db, repo: ordersRepo, quality: qualityRepo, labConfig, events, clock });
  await app.register(ordersRoutes, { orders });
  await app.register(scansRoutes, { scans });
  const dayDeriver = workerDayDeriver();
  app.addHook('onClose', () => dayDeriver.close());
  const stationState = createStationStateService({ db, repo: createStationStateRepository(db), labConfig, clock, deriver: dayDeriver });
  app.jobs.refreshStationStates = () => stationState.refreshAll();
  await app.register(stationStateRoutes, { stationState });
  // Demand forecasting: endpoints, vintages, calibrations (refreshForecasts job).
  await app.register(forecastPlugin, { db, labConfig, events, clock });
  await app.register(importRoutes, { importer: createImportService({ db, labConfig, events, clock, workers: config.IMPORT_WORKERS }) });
  await app.register(qualityRoutes, { quality: createQualityService({ db, repo: qualityRepo, orders: ordersRepo, labConfig, events, clock }) });
  // LIMS: signed webhook in, outbox out.
  await app.register(limsPlugin, { db, orders, ordersRepo, scans, labConfig, events, clock, orderCreatedHooks });
  await app.register(realtimeRoutes, { authenticate: auth.authenticate, clock, redis, fanout: deps.fanout, options: deps.realtime });

  // --- equipment and telemetry --------------------------------------------------------------
  const equipmentRepo = createEquipmentRepository(db);
  await app.register(equipmentRoutes, { equipment: createEquipmentService({ db, repo: equipmentRepo, events, clock }) });
  await app.register(telemetryRoutes, { telemetry: createTelemetryService({ repo: createTelemetryRepository(db), equipment: equipmentRepo, events, clock }) });
  app.jobs.pruneTelemetry = () => pruneTelemetry(db, { rawRetentionDays: config.TELEMETRY_RAW_RETENTION_DAYS, now: clock.now() });

  app.addHook('onClose', async () => {
    await events.drain();
  });
  return app;
}
