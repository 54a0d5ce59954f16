import type { NextFunction, Request, Response } from 'express';
import busboy from 'busboy';
import type { MailStore } from '../../channels/email/mail-store';
import type { PortalSessions } from './portal.session';

export const MAX_FILES = 5;
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
const MAX_FIELDS = 20;
const MAX_FIELD_BYTES = 20_000;

export interface Upload {
  filename: string;
  contentType: string;
  size: number;
  hash: string;
}

/** The files a portal form carried, stored already (content-addressed, as mail attachments). */
export const uploadsOf = (req: Request): Upload[] => (req as Request & { portalUploads?: Upload[] }).portalUploads ?? [];

/**
 * A `multipart/form-data` portal form (a reply with attachments): fields into `req.body`, files into
 * the attachment store, with caps on count and size (a file past the cap is refused whole: 413 on
 * the form). Only for a signed-in customer: without a session nothing is stored and the route's
 * own check answers. Other content types pass on to the usual body parsers.
 */
export function portalMultipart(sessions: Pick<PortalSessions, 'of'>, store: Pick<MailStore, 'writeAttachment'>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) return next();
    if (!(await sessions.of(req).catch(() => null))) {
      req.body = {};
      req.resume();
      return next();
    }
    const fields: Record<string, string> = {};
    const uploads: Upload[] = [];
    const pending: Promise<void>[] = [];
    let tooLarge = false;
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: MAX_FILES, fileSize: MAX_FILE_BYTES, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES } });
    } catch {
      req.body = {};
      return next();
    }
    bb.on('field', (name, value) => {
      if (name !== '__proto__') fields[name] = value;
    });
    bb.on('file', (_name, stream, info) => {
      if (!info.filename) return void stream.resume();
      stream.on('limit', () => (tooLarge = true));
      pending.push(
        store.writeAttachment(stream).then((blob) => {
          if (blob.size > 0 && !(stream as unknown as { truncated?: boolean }).truncated) uploads.push({ filename: (info.filename ?? '').slice(0, 200), contentType: info.mimeType || 'application/octet-stream', size: blob.size, hash: blob.hash });
        }),
      );
    });
    bb.on('error', (err) => next(err));
    bb.on('close', () => {
      Promise.all(pending).then(() => {
        req.body = { ...fields, ...(tooLarge ? { _tooLarge: '1' } : {}) };
        (req as Request & { portalUploads?: Upload[] }).portalUploads = uploads;
        next();
      }, next);
    });
    req.pipe(bb);
  };
}
