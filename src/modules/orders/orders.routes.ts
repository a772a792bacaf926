import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { envelope, ok, paged } from '../../platform/http.ts';
import { acceptDcsOrders, DCS_CONTENT_TYPE, orderAsDcs } from '../dcs/dcs-http.ts';
import type { OrdersService } from './orders.service.ts';
import { ZCreateOrder, ZListOrdersQuery, ZOrder, ZOrderParams, ZOrderWithTimeline, ZShipOrder, ZUpdateStatus } from './orders.schema.ts';

export const ordersRoutes: FastifyPluginAsyncZod<{ orders: OrdersService }> = async (app, { orders }) => {
  acceptDcsOrders(app);

  app.post('/api/orders', {
    schema: {
      tags: ['orders'],
      summary: 'Take an order (JSON, or a VCA DCS job as text/x-vca-dcs): the Rx is validated as a lab would, the route derived from the product',
      consumes: ['application/json', DCS_CONTENT_TYPE],
      body: ZCreateOrder,
      response: { 201: envelope(ZOrder) },
    },
    preHandler: app.requireRole('admin', 'manager', 'lab_tech', 'ecp'),
  }, async (req, reply) => {
    const source = req.headers['content-type']?.startsWith(DCS_CONTENT_TYPE) ? 'dcs' : 'api';
    return reply.code(201).send(ok(await orders.create(req.auth, req.body, { source })));
  });

  app.get('/api/orders/:id.dcs', {
    schema: { tags: ['orders'], summary: 'The order as a VCA DCS job file', params: ZOrderParams, produces: [DCS_CONTENT_TYPE] },
  }, async (req, reply) => {
    const order = await orders.get(req.auth, req.params.id);
    return reply.type(`${DCS_CONTENT_TYPE}; charset=utf-8`).header('content-disposition', `attachment; filename="${order.orderNumber}.oma"`).send(orderAsDcs(order));
  });

  app.get('/api/orders', {
    schema: { tags: ['orders'], summary: 'Orders, newest first (an ECP sees only its own)', querystring: ZListOrdersQuery, response: { 200: envelope(paged(ZOrder)) } },
  }, async (req) => ok(await orders.list(req.auth, req.query)));

  app.get('/api/orders/:id', {
    schema: { tags: ['orders'], summary: 'One order with its timeline (by id or order number)', params: ZOrderParams, response: { 200: envelope(ZOrderWithTimeline) } },
  }, async (req) => ok(await orders.get(req.auth, req.params.id)));

  app.patch('/api/orders/:id/status', {
    schema: { tags: ['orders'], summary: 'Change the status (illegal transitions → 409)', params: ZOrderParams, body: ZUpdateStatus, response: { 200: envelope(ZOrder) } },
    preHandler: app.requireRole('admin', 'manager', 'engineer', 'lab_tech'),
  }, async (req) => ok(await orders.updateStatus(req.auth, req.params.id, req.body)));

  app.post('/api/orders/:id/ship', {
    schema: { tags: ['orders'], summary: 'Ship: closes the route and records the tracking number', params: ZOrderParams, body: ZShipOrder, response: { 200: envelope(ZOrder) } },
    preHandler: app.requireRole('admin', 'manager', 'lab_tech'),
  }, async (req) => ok(await orders.ship(req.auth, req.params.id, req.body)));
};
