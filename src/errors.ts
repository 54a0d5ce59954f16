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

/** The issues of a failed zod parse (structurally: errors.ts imports nothing). */
interface ParseIssues {
  issues: readonly { path: readonly PropertyKey[]; message: string; code?: string; params?: { code?: unknown }; minimum?: unknown; maximum?: unknown }[];
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super(400, 'validation_failed', message, details);
  }

  /**
   * The one translation of a zod error: `Invalid <where>` with one `{path, message, code}` per issue
   * (HTTP and sockets alike). `code` is stable for clients to translate: zod's issue code, or the
   * `code` a refinement gives in its params; `minimum`/`maximum` come with size limits.
   */
  static fromZod(where: string, error: ParseIssues): ValidationError {
    return new ValidationError(
      `Invalid ${where}`,
      error.issues.map((i) => {
        const own = i.params?.code;
        const bound = (k: 'minimum' | 'maximum') => (typeof i[k] === 'number' || typeof i[k] === 'bigint' ? { [k]: Number(i[k]) } : {});
        return { path: i.path.map(String).join('.'), message: i.message, code: typeof own === 'string' ? own : (i.code ?? 'invalid'), ...bound('minimum'), ...bound('maximum') };
      }),
    );
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
/** Well-formed input that breaks a rule of the data (a custom field's type or option, a required field on solve). */
export class UnprocessableError extends AppError {
  constructor(message: string, code = 'unprocessable', details?: unknown) {
    super(422, code, message, details);
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

/** Redis or MongoDB failed or did not answer in time: try again shortly. */
export class StoreUnavailableError extends AppError {
  constructor(message = 'A data store is unavailable; try again shortly') {
    super(503, 'unavailable', message);
  }
}

/** The `{error:{code,message}}` shape used in HTTP bodies and socket acks. */
export function errorBody(err: unknown): { error: { code: string; message: string; details?: unknown } } {
  if (err instanceof AppError) return err.toJSON();
  return { error: { code: 'internal', message: 'Internal error' } };
}
