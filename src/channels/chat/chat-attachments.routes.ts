import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { NotFoundError, TooManyRequestsError, UnauthorizedError } from '../../errors';
import type { ApiRegistry } from '../../http/api-route';
import { declaredLength, fileBody, uploadQuery, uploadView } from '../../modules/attachments/attachment.routes';
import { serializeUpload, type AttachmentService } from '../../modules/attachments/attachment.service';
import type { MessageModel } from '../../modules/tickets/message.model';
import type { TicketModel } from '../../modules/tickets/ticket.model';
import type { VisitorTokens } from './visitor-token';

export interface ChatAttachmentDeps {
  attachments: AttachmentService;
  tokens: VisitorTokens;
  limiter: RateLimiterRedis;
  Ticket: TicketModel;
  Message: MessageModel;
}

/** The visitor of a request: the widget sends its signed visitor token in `X-Visitor-Token`. */
function visitorOf(tokens: VisitorTokens, header: string | undefined): string {
  const id = tokens.verify(header);
  if (!id) throw new UnauthorizedError('A visitor token is required (X-Visitor-Token)');
  return id;
}

/**
 * The widget's photos: the visitor uploads over HTTP with the visitor token, then `message:send`
 * names the upload; the visitor fetches the files of their own chat (theirs and the agent's) back.
 * Mounted before the body parsers (raw bytes).
 */
export function chatAttachmentRoutes(api: ApiRegistry, d: ChatAttachmentDeps): Router {
  const r = Router();
  // The widget runs on the company's website, another origin: these two answers are for it. No
  // cookies are involved (the visitor token is a header), so any origin may call them.
  r.use('/api/chat/attachments', (req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Visitor-Token');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
    res.setHeader('Access-Control-Max-Age', '600');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.method === 'OPTIONS') return void res.status(204).end();
    next();
  });
  api.route(
    r,
    {
      method: 'post',
      path: '/api/chat/attachments',
      tag: 'chat',
      summary: 'A website visitor uploads a photo (raw body, Content-Type image/*, header X-Visitor-Token); `message:send` then carries its id',
      auth: 'public',
      query: uploadQuery,
      body: fileBody,
      contentType: 'application/octet-stream',
      status: 201,
      // 401 without a valid visitor token, 429 past the upload rate
      errors: [401, 429],
      response: uploadView,
    },
    async ({ query, req }) => {
      const vid = visitorOf(d.tokens, req.get('x-visitor-token'));
      try {
        await d.limiter.consume(vid);
      } catch (err) {
        req.resume();
        if (err instanceof RateLimiterRes) throw new TooManyRequestsError('Too many uploads; wait a moment', Math.ceil(err.msBeforeNext / 1000));
        throw err;
      }
      const u = await d.attachments.upload({ source: req, filename: query.filename, contentType: req.get('content-type'), declaredLength: declaredLength(req.get('content-length')), owner: `visitor:${vid}`, ticketNumber: null, policy: 'visitor' });
      return serializeUpload(u);
    },
  );

  api.route(
    r,
    { method: 'get', path: '/api/chat/attachments/:id', tag: 'chat', summary: 'A file of the visitor\'s own chat (header X-Visitor-Token)', auth: 'public', params: z.strictObject({ id: z.string().regex(/^[a-f0-9]{24}$/) }) },
    async ({ params, req, res }) => {
      const vid = visitorOf(d.tokens, req.get('x-visitor-token'));
      const u = await d.attachments.get(params.id);
      // by key only: the upload, its message, its ticket
      const message = u?.messageId ? await d.Message.findById(u.messageId, { ticketId: 1, internal: 1 }).lean() : null;
      const ticket = message && !message.internal ? await d.Ticket.findById(message.ticketId, { visitorId: 1 }).lean() : null;
      if (!u || !ticket || ticket.visitorId !== vid) throw new NotFoundError('Attachment');
      const file = d.attachments.file(u.hash);
      const stat = await fs.promises.stat(file).catch(() => null);
      if (!stat) throw new NotFoundError('Attachment');
      res.status(200);
      res.setHeader('Content-Type', u.contentType);
      res.setHeader('Content-Length', String(stat.size));
      res.setHeader('Content-Disposition', `attachment; filename="${u.filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(u.filename)}`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Cache-Control', 'private, max-age=300');
      await pipeline(fs.createReadStream(file), res);
      return undefined;
    },
  );
  return r;
}
