import { format } from 'node:util';

// One catalogue of every error a client can see. Codes are stable and greppable; services throw
// these, and the single error handler (error-handler.ts) renders the envelope of CONTRACT §1.

export interface ErrorDetail {
  path: string;
  message: string;
  code?: string;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = code;
  }
}

export interface ErrorFactory {
  (...args: unknown[]): AppError;
  code: string;
  statusCode: number;
  withDetails(details: ErrorDetail[], ...args: unknown[]): AppError;
}

export function defineError(code: string, statusCode: number, template: string): ErrorFactory {
  const make = (...args: unknown[]) => new AppError(code, statusCode, format(template, ...args));
  return Object.assign(make, {
    code,
    statusCode,
    withDetails: (details: ErrorDetail[], ...args: unknown[]) => new AppError(code, statusCode, format(template, ...args), details),
  });
}

// 400
export const VALIDATION_FAILED = defineError('VALIDATION_FAILED', 400, 'Request is invalid: %s');
export const MALFORMED_BODY = defineError('MALFORMED_BODY', 400, 'Request body is not valid %s');
export const BAD_CURSOR = defineError('BAD_CURSOR', 400, 'Cursor is not one this server issued');
// 401
export const UNAUTHENTICATED = defineError('UNAUTHENTICATED', 401, 'Authentication required: send a Bearer token or the session cookie');
export const INVALID_CREDENTIALS = defineError('INVALID_CREDENTIALS', 401, 'Email or password is incorrect');
export const INVALID_TOKEN = defineError('INVALID_TOKEN', 401, 'Token is invalid, expired or revoked');
export const ACCOUNT_SUSPENDED = defineError('ACCOUNT_SUSPENDED', 401, 'This account is suspended');
// 403
export const FORBIDDEN = defineError('FORBIDDEN', 403, 'Role %s may not %s');
// 404
export const ROUTE_NOT_FOUND = defineError('ROUTE_NOT_FOUND', 404, 'Route %s %s not found');
export const USER_NOT_FOUND = defineError('USER_NOT_FOUND', 404, 'User %s not found');
export const API_KEY_NOT_FOUND = defineError('API_KEY_NOT_FOUND', 404, 'API key %s not found');
// 409
export const EMAIL_TAKEN = defineError('EMAIL_TAKEN', 409, 'Email %s is already registered');
export const LAST_ADMIN = defineError('LAST_ADMIN', 409, 'The organization must keep at least one active admin');
// 413 / 415
export const BODY_TOO_LARGE = defineError('BODY_TOO_LARGE', 413, 'Request body is larger than %d bytes');
export const UNSUPPORTED_MEDIA_TYPE = defineError('UNSUPPORTED_MEDIA_TYPE', 415, 'Content-Type %s is not supported here; send %s');
// 429
export const RATE_LIMITED = defineError('RATE_LIMITED', 429, 'Too many requests; retry after %s');
// 503
export const NOT_READY = defineError('NOT_READY', 503, 'Service is %s');
// 500 — the message is never shown to clients
export const INTERNAL = defineError('INTERNAL', 500, 'Internal error');
