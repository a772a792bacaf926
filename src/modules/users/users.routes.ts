import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { envelope, ok, paged, ZIdParams, ZPageQuery } from '../../platform/http.ts';
import type { UsersService } from './users.service.ts';
import { ZCreateUser, ZUpdateUser, ZUser } from './users.schema.ts';

export const usersRoutes: FastifyPluginAsyncZod<{ users: UsersService }> = async (app, { users }) => {
  const adminOnly = app.requireRole('admin');

  app.post('/api/users', {
    schema: { tags: ['users'], summary: 'Add a user to the organization', body: ZCreateUser, response: { 201: envelope(ZUser) } },
    preHandler: adminOnly,
  }, async (req, reply) => reply.code(201).send(ok(await users.create(req.auth, req.body))));

  app.get('/api/users', {
    schema: { tags: ['users'], summary: "The organization's users", querystring: ZPageQuery, response: { 200: envelope(paged(ZUser)) } },
    preHandler: adminOnly,
  }, async (req) => ok(await users.list(req.auth, req.query)));

  app.get('/api/users/:id', {
    schema: { tags: ['users'], params: ZIdParams, response: { 200: envelope(ZUser) } },
    preHandler: adminOnly,
  }, async (req) => ok(await users.get(req.auth, req.params.id)));

  app.patch('/api/users/:id', {
    schema: { tags: ['users'], summary: 'Change role or suspend/reactivate', params: ZIdParams, body: ZUpdateUser, response: { 200: envelope(ZUser) } },
    preHandler: adminOnly,
  }, async (req) => ok(await users.update(req.auth, req.params.id, req.body)));
};
