import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { envelope, ok, paged, ZIdParams, ZPageQuery } from '../../platform/http.ts';
import type { ApiKeysService } from './api-keys.service.ts';
import { ZApiKey, ZCreateApiKey, ZCreatedApiKey } from './api-keys.schema.ts';

export const apiKeysRoutes: FastifyPluginAsyncZod<{ apiKeys: ApiKeysService }> = async (app, { apiKeys }) => {
  const adminOnly = app.requireRole('admin');

  app.post('/api/api-keys', {
    schema: { tags: ['api-keys'], summary: 'Create a machine credential (the key is shown once)', body: ZCreateApiKey, response: { 201: envelope(ZCreatedApiKey) } },
    preHandler: adminOnly,
  }, async (req, reply) => reply.code(201).send(ok(await apiKeys.create(req.auth, req.body))));

  app.get('/api/api-keys', {
    schema: { tags: ['api-keys'], querystring: ZPageQuery, response: { 200: envelope(paged(ZApiKey)) } },
    preHandler: adminOnly,
  }, async (req) => ok(await apiKeys.list(req.auth, req.query)));

  app.delete('/api/api-keys/:id', {
    schema: { tags: ['api-keys'], summary: 'Revoke a key', params: ZIdParams, response: { 200: envelope(ZApiKey) } },
    preHandler: adminOnly,
  }, async (req) => ok(await apiKeys.revoke(req.auth, req.params.id)));
};
