import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config.ts';

// JSON lines to stdout for machines; pretty only on an interactive terminal (whether a human is
// watching, not NODE_ENV, decides the format). Credentials never reach a log line.
export function loggerOptions(config: Pick<Config, 'LOG_LEVEL'>): FastifyServerOptions['logger'] {
  return {
    level: config.LOG_LEVEL,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'req.headers["webhook-signature"]',
        '*.password',
        '*.token',
        '*.secret',
        '*.key',
      ],
      censor: '[redacted]',
    },
    serializers: {
      // A WebSocket client may carry its token in the URL (?token=…; browsers cannot set headers on
      // an upgrade): log the URL without it.
      req: (req: { method: string; url: string; hostname?: string; ip?: string }) => ({
        method: req.method,
        url: req.url.replace(/([?&](?:token|access_token)=)[^&]*/gi, '$1[redacted]'),
        host: req.hostname,
        remoteAddress: req.ip,
      }),
    },
    ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
  };
}
