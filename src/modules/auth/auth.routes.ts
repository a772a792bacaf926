import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AttemptLimiter } from '../../platform/attempt-limiter.ts';
import { SESSION_COOKIE } from '../../platform/auth-plugin.ts';
import { AppError, INVALID_CREDENTIALS, RATE_LIMITED } from '../../platform/errors.ts';
import { envelope, ok } from '../../platform/http.ts';
import type { AuthService } from './auth.service.ts';
import { ZLogin, ZMe, ZSession, ZSignup } from './auth.schema.ts';

export const authRoutes: FastifyPluginAsyncZod<{ auth: AuthService; loginAttempts: AttemptLimiter; sessionTtlHours: number }> = async (
  app,
  { auth, loginAttempts, sessionTtlHours },
) => {
  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/', secure: 'auto', maxAge: sessionTtlHours * 3600 });

  app.post('/api/auth/signup', {
    schema: { tags: ['auth'], summary: 'Create an organization and its first admin', body: ZSignup, response: { 201: envelope(ZSession) } },
    // 20 organizations an hour from one address is far beyond a real lab and stops a signup flood.
    config: { public: true, rateLimit: { max: 20, timeWindow: '1 hour' } },
  }, async (req, reply) => {
    const session = await auth.signup(req.body);
    setSessionCookie(reply, session.token);
    return reply.code(201).send(ok(session));
  });

  app.post('/api/auth/login', {
    schema: { tags: ['auth'], summary: 'Exchange email and password for a bearer token (also set as a cookie)', body: ZLogin, response: { 200: envelope(ZSession) } },
    config: { public: true, rateLimit: { max: 60, timeWindow: '1 minute' } },
  }, async (req: FastifyRequest<{ Body: z.infer<typeof ZLogin> }>, reply) => {
    const key = `${req.ip}|${req.body.email}`;
    const waitMs = await loginAttempts.retryAfterMs(key);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new AppError(RATE_LIMITED.code, 429, `Too many failed logins; retry after ${seconds} s`, undefined, { 'retry-after': String(seconds) });
    }
    try {
      const session = await auth.login(req.body);
      await loginAttempts.reset(key);
      setSessionCookie(reply, session.token);
      return ok(session);
    } catch (err) {
      if (err instanceof AppError && err.code === INVALID_CREDENTIALS.code) await loginAttempts.recordFailure(key);
      throw err;
    }
  });

  app.post('/api/auth/logout', {
    schema: { tags: ['auth'], summary: 'Revoke the current session token', response: { 200: envelope(z.object({ loggedOut: z.literal(true) })) } },
  }, async (req, reply) => {
    await auth.logout(req.auth);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return ok({ loggedOut: true as const });
  });

  app.get('/api/auth/me', {
    schema: { tags: ['auth'], summary: 'Who is calling', response: { 200: envelope(ZMe) } },
  }, async (req) => ok(await auth.me(req.auth)));
};
