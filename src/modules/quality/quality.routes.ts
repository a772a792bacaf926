import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { envelope, ok, paged } from '../../platform/http.ts';
import { LAB_ROLES } from '../../platform/roles.ts';
import type { QualityService } from './quality.service.ts';
import { ZCreateQualityIssue, ZListQualityQuery, ZQualityIssue } from './quality.schema.ts';

export const qualityRoutes: FastifyPluginAsyncZod<{ quality: QualityService }> = async (app, { quality }) => {
  app.post('/api/quality-issues', {
    schema: { tags: ['quality'], summary: 'Record a defect that did not send the job back (a remake is a reject scan)', body: ZCreateQualityIssue, response: { 201: envelope(ZQualityIssue) } },
    preHandler: app.requireRole('admin', 'manager', 'engineer', 'lab_tech'),
  }, async (req, reply) => reply.code(201).send(ok(await quality.create(req.auth, req.body))));

  app.get('/api/quality-issues', {
    schema: { tags: ['quality'], summary: 'Quality issues, newest first', querystring: ZListQualityQuery, response: { 200: envelope(paged(ZQualityIssue)) } },
    preHandler: app.requireRole(...LAB_ROLES),
  }, async (req) => ok(await quality.list(req.auth, req.query)));
};
