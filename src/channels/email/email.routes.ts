import { Request, Router } from 'express';
import { z } from 'zod';
import { AppError, ForbiddenError, NotFoundError, PayloadTooLargeError, UnauthorizedError } from '../../errors';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import type { ApiRegistry } from '../../http/api-route';
import { sendDownload } from '../../http/send-file';
import { sameSecret } from '../../infra/secrets';
import { requestIp } from '../../http/client-ip';
import { take } from '../../infra/rate-limit';
import type { MessageModel } from '../../modules/tickets/message.model';
import { ticketNumber } from '../../modules/tickets/ticket.schemas';
import type { TicketService } from '../../modules/tickets/ticket.service';
import { MailTooLargeError, MailStore } from './mail-store';

export type AcceptRaw = (source: Request, maxBytes: number) => Promise<string>;

/**
 * Door 2: a mail provider forwards the raw message. The route verifies, stores durably, queues the
 * same `mail-in` job as SMTP and answers 202; everything else happens in the worker.
 */
/** Wrong X-Webhook-Secret guesses one address may make per 15 minutes before every try waits. */
export const WEBHOOK_GUESSES_PER_ADDRESS = 20;

export function emailWebhookRoutes(api: ApiRegistry, opts: { secret?: string; guesses: RateLimiterRedis; maxBytes: number; accept: AcceptRaw }): Router {
  const r = Router();
  api.route(
    r,
    { method: 'post', path: '/webhooks/email/raw', tag: 'email', summary: 'Receive a raw RFC 5322 mail (Content-Type: message/rfc822, header X-Webhook-Secret)', auth: 'public', security: ['webhookSecret'], errors: [400, 429], status: 202, contentType: 'message/rfc822', response: z.object({ id: z.string() }) },
    async ({ req }) => {
      const given = req.get('x-webhook-secret');
      if (!given) throw new UnauthorizedError('X-Webhook-Secret is missing');
      // Every try is paid first (atomically) and a right one given back: a blocked address learns
      // nothing more, right or wrong, and concurrent guesses get no more than the budget.
      const ip = requestIp(req);
      await take(opts.guesses, ip, 'Too many wrong webhook secrets from this address; try again later');
      if (!opts.secret || !sameSecret(given, opts.secret)) throw new ForbiddenError('Wrong webhook secret');
      await opts.guesses.reward(ip, 1);
      if (!req.is('message/rfc822')) throw new AppError(415, 'unsupported_media_type', 'Send the mail as Content-Type: message/rfc822');
      const declared = Number(req.get('content-length') ?? 0);
      if (declared > opts.maxBytes) throw new PayloadTooLargeError(`A mail may have at most ${opts.maxBytes} bytes`);
      try {
        return { id: await opts.accept(req, opts.maxBytes) };
      } catch (err) {
        if (err instanceof MailTooLargeError) throw new PayloadTooLargeError(`A mail may have at most ${opts.maxBytes} bytes`);
        throw err;
      }
    },
  );
  return r;
}

/** Attachments of a ticket's messages, to agents who may see the ticket and to nobody else. */
export function attachmentRoutes(api: ApiRegistry, d: { tickets: Pick<TicketService, 'visible'>; Message: MessageModel; store: MailStore }): Router {
  const r = Router();
  api.route(
    r,
    {
      method: 'get',
      path: '/api/tickets/:number/attachments/:id',
      tag: 'tickets',
      summary: 'Download an attachment of a ticket',
      auth: 'agent',
      produces: ['application/octet-stream'],
      errors: [410],
      params: z.strictObject({ number: ticketNumber, id: z.string().regex(/^[a-f0-9]{24}$/) }),
    },
    async ({ params, principal, res }) => {
      const ticket = await d.tickets.visible(params.number, principal);
      const message = await d.Message.findOne({ ticketId: ticket._id, 'attachments.id': params.id }, { attachments: 1, internal: 1 });
      const att = message?.attachments.find((a) => a.id === params.id);
      if (att?.removedAt) throw new AppError(410, 'attachment_removed', 'This attachment was deleted after the retention period of closed tickets (ATTACHMENT_RETENTION)');
      if (!att?.hash) throw new NotFoundError('Attachment');
      await sendDownload(res, d.store.attachmentFile(att.hash), { filename: att.filename ?? '', contentType: att.contentType ?? '' });
      return undefined;
    },
  );
  return r;
}
