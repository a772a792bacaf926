import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { MALFORMED_BODY } from '../../platform/errors.ts';
import { envelope, ok, paged, ZIdParams } from '../../platform/http.ts';
import type { LimsIntegrationService } from './lims-integration.service.ts';
import type { LimsWebhookService, VerifiedDelivery } from './lims-webhook.service.ts';
import { ZIntegration, ZLimsWebhookBody, ZOutboxEntry, ZOutboxQuery, ZPutIntegration, ZRotatedSecret, ZWebhookAnswer, ZWebhookParams, type LimsWebhookBody } from './lims.schema.ts';

// Webhook payloads are a few hundred bytes; 256 KiB refuses junk early without refusing a LIMS
// that sends a long error message.
const WEBHOOK_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * The signed inbound webhook, in its own encapsulated context: here `application/json` is parsed
 * as raw bytes, because the signature is over the bytes sent, not over a re-serialisation of them
 * (the seed's bug, seed-spec §3). The preValidation hook verifies, then parses; only then does the
 * body schema see it, so an unsigned request learns nothing about the expected shape.
 */
export const limsWebhookRoutes: FastifyPluginAsyncZod<{ webhooks: LimsWebhookService }> = async (app, { webhooks }) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const verified = new WeakMap<FastifyRequest, VerifiedDelivery>();

  app.post('/api/webhooks/lims/:organizationId', {
    config: { public: true },
    bodyLimit: WEBHOOK_BODY_LIMIT_BYTES,
    schema: {
      tags: ['integrations'],
      summary: 'LIMS job events, signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature); a repeated webhook-id → 200, no second effect',
      security: [],
      params: ZWebhookParams,
      body: ZLimsWebhookBody,
      response: { 200: envelope(ZWebhookAnswer) },
    },
    preValidation: async (req) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : undefined;
      verified.set(req, await webhooks.verify((req.params as { organizationId: string }).organizationId, req.headers, raw));
      try {
        req.body = JSON.parse((raw ?? Buffer.alloc(0)).toString('utf8')) as LimsWebhookBody;
      } catch (err) {
        throw MALFORMED_BODY(`JSON: ${(err as Error).message}`);
      }
    },
  }, async (req) => ok(await webhooks.receive(verified.get(req)!, req.body)));
};

export const limsIntegrationRoutes: FastifyPluginAsyncZod<{ integration: LimsIntegrationService }> = async (app, { integration }) => {
  app.post('/api/integrations/lims/secret', {
    schema: { tags: ['integrations'], summary: 'A new LIMS webhook secret (whsec_…, shown once); the previous one stays valid for 24 h', response: { 201: envelope(ZRotatedSecret) } },
    preHandler: app.requireRole('admin'),
  }, async (req, reply) => reply.code(201).send(ok(await integration.rotateSecret(req.auth))));

  app.get('/api/integrations/lims', {
    schema: { tags: ['integrations'], summary: 'The LIMS integration: outbound endpoint (never its token) and webhook secret dates', response: { 200: envelope(ZIntegration) } },
    preHandler: app.requireRole('admin', 'manager'),
  }, async (req) => ok(await integration.get(req.auth)));

  app.put('/api/integrations/lims', {
    schema: { tags: ['integrations'], summary: 'Configure where new orders are submitted (authToken omitted: kept; null: removed)', body: ZPutIntegration, response: { 200: envelope(ZIntegration) } },
    preHandler: app.requireRole('admin'),
  }, async (req) => ok(await integration.put(req.auth, req.body)));

  app.get('/api/integrations/lims/outbox', {
    schema: { tags: ['integrations'], summary: 'Order submissions to the LIMS, newest first (pending, submitted, failed)', querystring: ZOutboxQuery, response: { 200: envelope(paged(ZOutboxEntry)) } },
    preHandler: app.requireRole('admin', 'manager'),
  }, async (req) => ok(await integration.listOutbox(req.auth, req.query)));

  app.post('/api/integrations/lims/outbox/:id/retry', {
    schema: { tags: ['integrations'], summary: 'Re-queue a failed submission (same idempotency key, fresh attempts)', params: ZIdParams, response: { 200: envelope(ZOutboxEntry) } },
    preHandler: app.requireRole('admin', 'manager'),
  }, async (req) => ok(await integration.retryOutbox(req.auth, req.params.id)));
};
