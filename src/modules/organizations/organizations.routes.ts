import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { envelope, ok } from '../../platform/http.ts';
import type { OrganizationsService } from './organizations.service.ts';
import { ZOrganization, ZUpdateOrganization } from './organizations.schema.ts';

export const organizationsRoutes: FastifyPluginAsyncZod<{ organizations: OrganizationsService }> = async (app, { organizations }) => {
  app.get('/api/organization', {
    schema: { tags: ['organization'], summary: "The caller's organization", response: { 200: envelope(ZOrganization) } },
  }, async (req) => ok(await organizations.get(req.auth)));

  app.patch('/api/organization', {
    schema: { tags: ['organization'], summary: 'Rename, or set time zone / currency', body: ZUpdateOrganization, response: { 200: envelope(ZOrganization) } },
    preHandler: app.requireRole('admin'),
  }, async (req) => ok(await organizations.update(req.auth, req.body)));
};
