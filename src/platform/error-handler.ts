import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, BODY_TOO_LARGE, INTERNAL, MALFORMED_BODY, NOT_READY, ROUTE_NOT_FOUND, UNSUPPORTED_MEDIA_TYPE, VALIDATION_FAILED, type ErrorDetail } from './errors.ts';

// The one place errors become HTTP. 4xx are the client's to fix: shown in full, logged at warn.
// 5xx are ours: logged with the stack at error, shown as a bare "Internal error" (no internals leak).

function toAppError(err: FastifyError, req: FastifyRequest): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    const details: ErrorDetail[] = err.validation.map((v) => ({
      path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'is invalid',
      code: (v.params as { issue?: { code?: string } } | undefined)?.issue?.code,
    }));
    return VALIDATION_FAILED.withDetails(details, details.map((d) => `${d.path} ${d.message}`).join('; '));
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return MALFORMED_BODY('JSON: ' + err.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return BODY_TOO_LARGE(req.routeOptions.bodyLimit ?? req.server.initialConfig.bodyLimit);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return UNSUPPORTED_MEDIA_TYPE(req.headers['content-type'] ?? '(none)', 'application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return MALFORMED_BODY('length: Content-Length does not match the body');
    case 'FST_ERR_VALIDATION':
      return VALIDATION_FAILED(err.message);
  }
  if (err instanceof SyntaxError) return MALFORMED_BODY('JSON: ' + err.message);
  const status = err.statusCode ?? 500;
  if (status === 503) return NOT_READY('shutting down');
  if (status >= 400 && status < 500) return new AppError(err.code ?? 'BAD_REQUEST', status, err.message);
  return INTERNAL();
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const appErr = toAppError(err, req);
    if (appErr.statusCode >= 500) {
      req.log.error({ err, serialization: isResponseSerializationError(err) || undefined }, 'request failed');
    } else {
      req.log.warn({ code: appErr.code, message: appErr.message }, 'request rejected');
    }
    if (appErr.headers) reply.headers(appErr.headers);
    return sendError(reply, req, appErr);
  });

  app.setNotFoundHandler((req, reply) => sendError(reply, req, ROUTE_NOT_FOUND(req.method, req.url.split('?')[0])));
}

export function sendError(reply: FastifyReply, req: FastifyRequest, err: AppError) {
  return reply
    .code(err.statusCode)
    .type('application/json; charset=utf-8')
    .send({
      success: false,
      error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}), requestId: req.id },
    });
}
