import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { envelope, ok, paged, ZIdParams } from '../../platform/http.ts';
import type { EquipmentService } from './equipment.service.ts';
import {
  ZCreateEquipment,
  ZEquipment,
  ZEquipmentDetail,
  ZEquipmentDetailQuery,
  ZEquipmentEvent,
  ZEquipmentListQuery,
  ZEventListQuery,
  ZRecordedEvent,
  ZRecordEvent,
  ZUpdateEquipment,
} from './equipment.schema.ts';

// CONTRACT §2–§3: admin, manager and engineer manage equipment; a lab_tech (or a gateway's
// lab_tech key) reports events; every lab role reads; an ECP sees no lab equipment.
export const EQUIPMENT_MANAGERS = ['admin', 'manager', 'engineer'] as const;
export const EQUIPMENT_REPORTERS = ['admin', 'manager', 'engineer', 'lab_tech'] as const;
export const EQUIPMENT_READERS = ['admin', 'manager', 'engineer', 'lab_tech', 'viewer'] as const;

export const equipmentRoutes: FastifyPluginAsyncZod<{ equipment: EquipmentService }> = async (app, { equipment }) => {
  const managers = app.requireRole(...EQUIPMENT_MANAGERS);
  const reporters = app.requireRole(...EQUIPMENT_REPORTERS);
  const readers = app.requireRole(...EQUIPMENT_READERS);

  app.post('/api/equipment', {
    schema: { tags: ['equipment'], summary: 'Register a machine at a station', body: ZCreateEquipment, response: { 201: envelope(ZEquipment) } },
    preHandler: managers,
  }, async (req, reply) => reply.code(201).send(ok(await equipment.create(req.auth, req.body))));

  app.get('/api/equipment', {
    schema: { tags: ['equipment'], summary: "The organization's machines, oldest first", querystring: ZEquipmentListQuery, response: { 200: envelope(paged(ZEquipment)) } },
    preHandler: readers,
  }, async (req) => ok(await equipment.list(req.auth, req.query)));

  app.get('/api/equipment/:id', {
    schema: {
      tags: ['equipment'],
      summary: 'A machine with its status, health over a window (from recorded events) and latest readings',
      params: ZIdParams,
      querystring: ZEquipmentDetailQuery,
      response: { 200: envelope(ZEquipmentDetail) },
    },
    preHandler: readers,
  }, async (req) => ok(await equipment.get(req.auth, req.params.id, req.query)));

  app.patch('/api/equipment/:id', {
    schema: { tags: ['equipment'], summary: 'Rename, move, or set operational/offline by hand', params: ZIdParams, body: ZUpdateEquipment, response: { 200: envelope(ZEquipment) } },
    preHandler: managers,
  }, async (req) => ok(await equipment.update(req.auth, req.params.id, req.body)));

  app.post('/api/equipment/:id/events', {
    schema: {
      tags: ['equipment'],
      summary: 'Record a failure, repair, maintenance or error (past times allowed; the latest by time sets the status)',
      params: ZIdParams,
      body: ZRecordEvent,
      response: { 201: envelope(ZRecordedEvent) },
    },
    preHandler: reporters,
  }, async (req, reply) => reply.code(201).send(ok(await equipment.recordEvent(req.auth, req.params.id, req.body))));

  app.get('/api/equipment/:id/events', {
    schema: { tags: ['equipment'], summary: "A machine's events, newest first", params: ZIdParams, querystring: ZEventListQuery, response: { 200: envelope(paged(ZEquipmentEvent)) } },
    preHandler: readers,
  }, async (req) => ok(await equipment.listEvents(req.auth, req.params.id, req.query)));
};
