/** The one error hierarchy: every error a user can cause is an AppError with an HTTP status and a stable code. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.details !== undefined ? { details: this.details } : {}) } };
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'validation_failed', message, details);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = 'Authentication required') {
    super(401, 'unauthorized', message);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = 'You may not do this') {
    super(403, 'forbidden', message);
  }
}
export class NotFoundError extends AppError {
  constructor(what: string) {
    super(404, 'not_found', `${what} not found`);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict', details?: unknown) {
    super(409, code, message, details);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(message: string, readonly retryAfterSec?: number) {
    super(429, 'rate_limited', message, retryAfterSec !== undefined ? { retryAfterSec } : undefined);
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(message = 'Payload too large', details?: unknown) {
    super(413, 'payload_too_large', message, details);
  }
}

/** The `{error:{code,message}}` shape used in HTTP bodies and socket acks. */
export function errorBody(err: unknown): { error: { code: string; message: string; details?: unknown } } {
  if (err instanceof AppError) return err.toJSON();
  return { error: { code: 'internal', message: 'Internal error' } };
}
