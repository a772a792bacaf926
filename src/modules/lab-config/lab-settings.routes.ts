import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { envelope, ok } from '../../platform/http.ts';
import { LAB_ROLES } from '../../platform/roles.ts';
import type { LabSettingsService } from './lab-settings.service.ts';
import { ZLabSettings, ZLabSettingsPatch } from './lab-settings.schema.ts';

export const labSettingsRoutes: FastifyPluginAsyncZod<{ labSettings: LabSettingsService }> = async (app, { labSettings }) => {
  app.get('/api/lab-settings', {
    schema: { tags: ['lab configuration'], summary: "The lab's settings (defaults filled in)", response: { 200: envelope(ZLabSettings) } },
    preHandler: app.requireRole(...LAB_ROLES),
  }, async (req) => ok(await labSettings.get(req.auth)));

  app.patch('/api/lab-settings', {
    schema: { tags: ['lab configuration'], summary: 'Change some settings; the rest keep their values', body: ZLabSettingsPatch, response: { 200: envelope(ZLabSettings) } },
    preHandler: app.requireRole('admin', 'manager'),
  }, async (req) => ok(await labSettings.update(req.auth, req.body)));
};
