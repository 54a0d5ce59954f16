import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, ConflictError, errorBody, NotFoundError, PayloadTooLargeError, StoreUnavailableError, ValidationError } from '../errors';
import type { Logger } from '../logger';
import type { Locale } from '../core/types';

/** Renders an error as a page in the reader's language (a person who followed a link, not an API client). */
export type ErrorPage = (code: string, status: number, locale: Locale) => string;

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new NotFoundError(`Route ${req.method} ${req.path}`));
}

/** The one place an error becomes an HTTP answer. */
export function errorHandler(log: Logger, page?: ErrorPage): ErrorRequestHandler {
  // a browser asking for a page (not /api or a webhook) gets a page; everyone else the JSON error
  const wantsPage = (req: Parameters<ErrorRequestHandler>[1]) => !!page && !/^\/(api|webhooks)\//.test(req.path) && req.accepts(['json', 'html']) === 'html';
  const send = (req: Parameters<ErrorRequestHandler>[1], res: Parameters<ErrorRequestHandler>[2], status: number, body: { error: { code: string } }) => {
    if (!wantsPage(req)) return void res.status(status).json(body);
    const zh = (req.acceptsLanguages('en', 'zh-CN', 'zh') || '').toString().startsWith('zh');
    res.status(status).type('html').send(page!(body.error.code, status, zh ? 'zh-CN' : 'en'));
  };
  return (err, req, res, _next) => {
    let appErr: AppError | undefined;
    if (err instanceof AppError) appErr = err;
    else if (err?.type === 'entity.too.large') appErr = new PayloadTooLargeError(`Body larger than ${err.limit} bytes`);
    else if (err?.type === 'entity.parse.failed') appErr = new ValidationError('Malformed JSON body');
    else if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') appErr = new AppError(415, 'unsupported_encoding', err.message);
    else if (err?.name === 'CastError') appErr = new ValidationError(`Invalid ${err.path}`);
    else if (err?.name === 'ValidationError' && err?.errors) appErr = new ValidationError(err.message);
    else if (isStoreUnavailable(err)) appErr = new StoreUnavailableError();
    else if (isDuplicateKey(err)) appErr = new ConflictError('A record with this unique value exists already', 'duplicate', duplicateKeyDetails(err));
    // express's own 4xx (send, static, body-parser): a generic text, since theirs can name server paths
    else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) appErr = err.status === 404 ? new NotFoundError('Resource') : new AppError(err.status, 'bad_request', 'Bad request');
    if (!appErr) {
      log.error({ err, method: req.method, path: req.path }, 'request failed');
      send(req, res, 500, errorBody(err));
      return;
    }
    if (appErr.status === 429 && appErr.details && typeof appErr.details === 'object' && 'retryAfterSec' in appErr.details) {
      res.setHeader('Retry-After', String((appErr.details as { retryAfterSec: number }).retryAfterSec));
    }
    send(req, res, appErr.status, appErr.toJSON());
  };
}

/** MongoDB's E11000: a unique index refused the write. Every service gets the same 409, not only the ones that catch it. */
function isDuplicateKey(err: { code?: unknown; name?: string }): boolean {
  return err?.code === 11000 && /^Mongo/.test(err?.name ?? '');
}

/** The field names of the violated key (never their values, which may be personal data). */
function duplicateKeyDetails(err: { keyPattern?: Record<string, unknown>; keyValue?: Record<string, unknown> }): { fields: string[] } | undefined {
  const fields = Object.keys(err.keyPattern ?? err.keyValue ?? {});
  return fields.length ? { fields } : undefined;
}

/** Redis or MongoDB away: the client fails fast (no offline queue), and the request gets a 503, not a hang. */
function isStoreUnavailable(err: { name?: string; message?: string }): boolean {
  return (
    err?.name === 'MaxRetriesPerRequestError' ||
    err?.name === 'MongoServerSelectionError' ||
    err?.name === 'MongoNetworkError' ||
    /enableOfflineQueue|Connection is closed|ECONNREFUSED/.test(err?.message ?? '')
  );
}
