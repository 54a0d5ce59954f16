import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import type { DeadLetters } from './dead-letters';

const idParams = z.strictObject({ id: z.string().regex(/^[a-f0-9]{64}$/, 'a dead letter id (64 hex characters)') });

const deadLetter = z.object({
  id: z.string(),
  via: z.enum(['smtp', 'webhook', 'imap', 'sweep']),
  mailFrom: z.string().nullable(),
  rcpt: z.array(z.string()),
  receivedAt: z.string(),
  failedAt: z.string().nullable(),
  attempts: z.number().int(),
  reason: z.string(),
  subject: z.string().nullable(),
  from: z.string().nullable(),
  size: z.number().int().nullable(),
});

/**
 * Inbound mail that was accepted (250) but could not be made into a message, for an admin to see,
 * download and replay once the cause is fixed.
 */
export function deadLetterRoutes(api: ApiRegistry, deadLetters: DeadLetters): Router {
  const r = Router();
  api.route(
    r,
    {
      method: 'get',
      path: '/api/mail/dead-letters',
      tag: 'email',
      summary: 'Inbound mail that could not be taken in (unparseable, or failing past its retries), latest failure first (admin)',
      auth: ['admin'],
      query: z.strictObject({ offset: z.coerce.number().int().min(0).max(1_000_000).default(0), limit: z.coerce.number().int().min(1).max(200).default(50) }),
      response: z.object({ items: z.array(deadLetter), total: z.number().int() }),
    },
    ({ query }) => deadLetters.list(query.offset, query.limit),
  );
  api.route(
    r,
    { method: 'post', path: '/api/mail/dead-letters/:id/replay', tag: 'email', summary: 'Take a dead-lettered mail in again, its attempts reset (admin)', auth: ['admin'], params: idParams, status: 202, response: z.object({ id: z.string() }) },
    async ({ params }) => {
      if (!(await deadLetters.replay(params.id))) throw new NotFoundError('Dead letter');
      return { id: params.id };
    },
  );
  api.route(
    r,
    { method: 'get', path: '/api/mail/dead-letters/:id/raw', tag: 'email', summary: 'The raw RFC 5322 mail of a dead letter, as received (admin)', auth: ['admin'], params: idParams },
    async ({ params, res }) => {
      const file = await deadLetters.rawFile(params.id);
      if (!file) throw new NotFoundError('Dead letter');
      res.status(200);
      res.setHeader('Content-Type', 'message/rfc822');
      res.setHeader('Content-Disposition', `attachment; filename="${params.id}.eml"`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      await pipeline(fs.createReadStream(file), res);
      return undefined;
    },
  );
  return r;
}
