import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AuthContext } from './auth-context.ts';
import { FORBIDDEN, UNAUTHENTICATED } from './errors.ts';
import type { Role } from './roles.ts';

export const SESSION_COOKIE = 'ils_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every route that is not `config: { public: true }`. */
    auth: AuthContext;
  }
  interface FastifyInstance {
    requireRole(...roles: Role[]): preHandlerAsyncHookHandler;
  }
  interface FastifyContextConfig {
    /** Reachable without credentials (health, login, signup, signed webhooks). */
    public?: boolean;
  }
}

/** The credential a request carries: `Authorization: Bearer …` first, then the session cookie. */
export function credentialOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] ?? '';
  }
  return req.cookies?.[SESSION_COOKIE];
}

export const authPlugin = fp<{ authenticate: (token: string) => Promise<AuthContext> }>(
  async (app, { authenticate }) => {
    app.decorateRequest('auth', null as unknown as AuthContext);

    // Authentication is the default for the API and the realtime socket: a route opts out with
    // config.public, never in. Docs, metrics and the dashboard's static files are outside it.
    app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
      const url = req.routeOptions.url ?? '';
      if (req.is404 || req.routeOptions.config.public || !(url.startsWith('/api/') || url === '/ws')) return;
      const token = credentialOf(req);
      if (!token) throw UNAUTHENTICATED();
      req.auth = await authenticate(token);
    });

    app.decorate('requireRole', (...roles: Role[]): preHandlerAsyncHookHandler => {
      const allowed = new Set(roles);
      return async (req) => {
        if (!allowed.has(req.auth.role)) throw FORBIDDEN(req.auth.role, `${req.method} ${req.routeOptions.url}`);
      };
    });
  },
  { name: 'ils-auth', dependencies: ['@fastify/cookie'] },
);
