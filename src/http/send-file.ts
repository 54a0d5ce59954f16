import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { NotFoundError } from '../errors';

/**
 * Streams a stored file as a download, never rendered inline: a mailed HTML or SVG file (or a
 * photo with a forged type) must not run in the console's origin.
 */
export async function sendDownload(res: Response, file: string, meta: { filename: string; contentType: string }): Promise<void> {
  const stat = await fs.promises.stat(file).catch(() => null);
  if (!stat) throw new NotFoundError('Attachment');
  const filename = meta.filename || 'attachment';
  res.status(200);
  res.setHeader('Content-Type', meta.contentType || 'application/octet-stream');
  res.setHeader('Content-Length', String(stat.size));
  res.setHeader('Content-Disposition', `attachment; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, max-age=300');
  await pipeline(fs.createReadStream(file), res);
}
