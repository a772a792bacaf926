import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

export interface Readiness {
  /** Null when ready; otherwise why not (starting, draining, database unreachable). */
  check(): Promise<string | null>;
}

const ZProbe = z.object({ status: z.string(), reason: z.string().optional() });

// Liveness never checks dependencies (a DB outage must not make an orchestrator restart every
// instance); readiness does, and answers 503 while starting or draining.
export const healthRoutes: FastifyPluginAsyncZod<{ readiness: Readiness }> = async (app, { readiness }) => {
  const probe = { public: true, rateLimit: false } as const;
  app.get('/livez', { config: probe, schema: { tags: ['operations'], response: { 200: ZProbe } } }, async () => ({ status: 'alive' }));
  app.get('/healthz', { config: probe, schema: { hide: true } }, async () => ({ status: 'alive' }));

  const ready = async (_req: unknown, reply: import('fastify').FastifyReply) => {
    const reason = await readiness.check();
    return reason ? reply.code(503).send({ status: 'not_ready', reason }) : { status: 'ready' };
  };
  const readySchema = { tags: ['operations'], response: { 200: ZProbe, 503: ZProbe } };
  app.get('/readyz', { config: probe, schema: readySchema }, ready);
  app.get('/health', { config: probe, schema: readySchema }, ready);
};
