import fp from 'fastify-plugin';
import type { Db } from '../../db/client.ts';
import type { Clock } from '../../platform/clock.ts';
import type { EventBus } from '../../platform/events.ts';
import type { LabConfigCache } from '../lab-config/lab-config.ts';
import type { OrdersRepository } from '../orders/orders.repository.ts';
import type { OrderCreatedHook, OrdersService } from '../orders/orders.service.ts';
import type { ScansService } from '../orders/scans.service.ts';
import { createLimsIntegrationService } from './lims-integration.service.ts';
import { createLimsOutboxWorker, type LimsOutboxWorker, type OutboxWorkerOptions } from './lims-outbox.worker.ts';
import { createLimsRepository } from './lims.repository.ts';
import { limsIntegrationRoutes, limsWebhookRoutes } from './lims.routes.ts';
import { createLimsWebhookService } from './lims-webhook.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The LIMS submission worker: started when the app is ready, stopped when it closes. */
    limsOutbox: LimsOutboxWorker;
  }
}

export interface LimsPluginOptions {
  db: Db;
  orders: OrdersService;
  ordersRepo: OrdersRepository;
  scans: ScansService;
  labConfig: LabConfigCache;
  events: EventBus;
  clock: Clock;
  /** The orders service's onCreated list: the outbox row commits with the order. */
  orderCreatedHooks: OrderCreatedHook[];
  outbox?: Partial<OutboxWorkerOptions>;
}

/** The LIMS integration (CONTRACT §5): signed webhook in, admin configuration, outbox out. */
export const limsPlugin = fp<LimsPluginOptions>(
  async (app, opts) => {
    const { db, events, clock } = opts;
    const repo = createLimsRepository(db);
    const worker = createLimsOutboxWorker({ db, repo, ordersRepo: opts.ordersRepo, events, clock, log: app.log, options: opts.outbox });
    const integration = createLimsIntegrationService({ repo, clock, onQueued: () => worker.wake() });
    const webhooks = createLimsWebhookService({ db, repo, ordersRepo: opts.ordersRepo, orders: opts.orders, scans: opts.scans, labConfig: opts.labConfig, events, clock });

    opts.orderCreatedHooks.push(integration.onOrderCreated);
    // order.created is published after the commit, when the worker can see the new row.
    events.on('order.created', () => worker.wake());

    app.decorate('limsOutbox', worker);
    app.addHook('onReady', async () => worker.start());
    app.addHook('onClose', async () => worker.stop());

    await app.register(limsWebhookRoutes, { webhooks });
    await app.register(limsIntegrationRoutes, { integration });
  },
  { name: 'ils-lims' },
);
