import crypto from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../../errors';
import { hasRole, LOCALES, ROLE_SETS } from '../../core/types';
import type { ApiRegistry } from '../../http/api-route';
import { sameSecret } from '../../infra/secrets';
import { objectId } from '../../modules/tickets/ticket.schemas';
import type { TicketService } from '../../modules/tickets/ticket.service';
import { verifyTwilioSignature } from '../voice/twilio.routes';
import { twilioStatus } from './sms.providers';
import { SMS_TEMPLATES, SmsService } from './sms.service';

const phone = z.string().regex(/^\+?[\d\s()-]{6,32}$/, 'a phone number in international form');
const smsView = z.object({
  id: z.string(),
  reference: z.string(),
  to: z.string(),
  customerId: z.string().nullable(),
  template: z.string(),
  locale: z.enum(LOCALES),
  text: z.string(),
  provider: z.string(),
  providerId: z.string().nullable(),
  status: z.enum(['queued', 'sent', 'delivered', 'failed']),
  error: z.string().nullable(),
  events: z.array(z.object({ status: z.string(), at: z.string(), detail: z.string().nullable() })),
  createdAt: z.string(),
});
const sendBody = z
  .strictObject({
    customerId: objectId.optional(),
    phone: phone.optional(),
    template: z.enum(SMS_TEMPLATES),
    vars: z.record(z.string().regex(/^\w{1,32}$/), z.union([z.string().max(500), z.number()])).default({}),
    locale: z.enum(LOCALES).optional(),
    reference: z.string().min(1).max(200).optional(),
    ticketNumber: z.number().int().positive().optional(),
  })
  .refine((b) => !!b.customerId !== !!b.phone, 'give either customerId or phone');

/** The token in the Tencent callback URLs (Tencent does not sign its callbacks): HMAC of the session secret. */
export function tencentCallbackToken(secret: string): string {
  return crypto.createHmac('sha256', secret).update('sms-callback').digest('hex').slice(0, 32);
}

export function smsRoutes(api: ApiRegistry, d: { sms: SmsService; tickets: Pick<TicketService, 'visible' | 'byId'>; publicUrl: string; tencentToken: string }): Router {
  const r = Router();
  api.route(
    r,
    { method: 'get', path: '/api/sms/callbacks', tag: 'sms', summary: 'The callback URLs to enter at the SMS provider (admin): delivery reports and replies', auth: ROLE_SETS.admins, response: z.object({ provider: z.string(), statusUrl: z.string(), replyUrl: z.string() }) },
    async () =>
      d.sms.provider === 'tencent'
        ? { provider: 'tencent', statusUrl: `${d.publicUrl}/webhooks/sms/tencent/status?token=${d.tencentToken}`, replyUrl: `${d.publicUrl}/webhooks/sms/tencent/reply?token=${d.tencentToken}` }
        : { provider: d.sms.provider, statusUrl: `${d.publicUrl}/webhooks/sms/twilio/status`, replyUrl: `${d.publicUrl}/webhooks/sms/twilio/inbound` },
  );
  api.route(
    r,
    { method: 'post', path: '/api/sms', tag: 'sms', summary: 'Send a templated text message (appointment confirmed, engineer on the way, survey link, status link) to a customer or a number', auth: 'agent', body: sendBody, status: 201, response: smsView },
    async ({ body, principal }) => {
      // an agent texts about a ticket they may see; team leads and managers may text anyone
      if (!body.ticketNumber && !hasRole(principal.role, ROLE_SETS.leads)) throw new ForbiddenError('Agents send text messages about a ticket: give ticketNumber');
      const ticket = body.ticketNumber ? await d.tickets.visible(body.ticketNumber, principal) : null;
      return d.sms.send(body.customerId ? { customerId: body.customerId } : { phone: body.phone! }, body.template, body.vars, body.locale, { reference: body.reference, ticketId: ticket ? String(ticket._id) : undefined });
    },
  );
  api.route(r, { method: 'get', path: '/api/sms/:id', tag: 'sms', summary: 'One text message and its delivery states (agents: of their teams\' tickets)', auth: 'agent', params: z.strictObject({ id: objectId }), response: smsView }, async ({ params, principal }) => {
    const { view, ticketId } = await d.sms.getWithTicket(params.id);
    const ticket = ticketId ? await d.tickets.byId(ticketId) : null;
    if (ticket) {
      if (!principal.canSeeTeam(ticket.team)) throw new NotFoundError('SMS');
    } else if (!hasRole(principal.role, ROLE_SETS.leads)) throw new NotFoundError('SMS');
    return view;
  });
  api.route(
    r,
    { method: 'get', path: '/api/sms-opt-outs/:phone', tag: 'sms', summary: 'Whether a number opted out of text messages', auth: 'agent', params: z.strictObject({ phone }), response: z.object({ phone: z.string(), optedOut: z.boolean() }) },
    async ({ params }) => ({ phone: params.phone, optedOut: await d.sms.optedOut(params.phone) }),
  );
  api.route(
    r,
    { method: 'put', path: '/api/sms-opt-outs/:phone', tag: 'sms', summary: 'Record that a number opts out of (or back into) text messages', auth: ROLE_SETS.leads, params: z.strictObject({ phone }), body: z.strictObject({ optedOut: z.boolean() }), response: z.object({ phone: z.string(), optedOut: z.boolean() }) },
    async ({ params, body }) => (await d.sms.setOptOut(params.phone, body.optedOut, 'agent'), { phone: params.phone, optedOut: body.optedOut }),
  );
  return r;
}

/** Provider callbacks: delivery reports and customers' replies (STOP / 退订). */
export function smsWebhookRoutes(api: ApiRegistry, d: { sms: SmsService; twilioAuthToken?: string; publicUrl: string; tencentToken: string }): Router {
  const r = Router();
  const FORM = 'application/x-www-form-urlencoded';
  r.use('/webhooks/sms/twilio', verifyTwilioSignature(d.twilioAuthToken, d.publicUrl));
  api.route(
    r,
    { method: 'post', path: '/webhooks/sms/twilio/status', tag: 'sms', summary: 'Twilio message status callback (X-Twilio-Signature checked with the SMS_URL auth token)', auth: 'public', contentType: FORM, body: z.looseObject({ MessageSid: z.string().min(1).max(64), MessageStatus: z.string().max(32), ErrorCode: z.string().max(16).optional() }) },
    async ({ body }) => {
      const status = twilioStatus(body.MessageStatus);
      if (status) await d.sms.report('twilio', body.MessageSid, status, body.ErrorCode ? `Twilio error ${body.ErrorCode}` : body.MessageStatus);
      return undefined;
    },
  );
  api.route(
    r,
    { method: 'post', path: '/webhooks/sms/twilio/inbound', tag: 'sms', summary: 'Twilio incoming message: STOP opts out, START opts back in, anything else is a message on the ticket the last text was about (or a new one); answers empty TwiML once stored', auth: 'public', contentType: FORM, body: z.looseObject({ From: z.string().min(3).max(64), Body: z.string().max(2000).default(''), MessageSid: z.string().min(1).max(64) }) },
    async ({ body, res }) => {
      await d.sms.received('twilio', body.From, body.Body, body.MessageSid);
      res.status(200).type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
      return undefined;
    },
  );

  const tencentQuery = z.looseObject({ token: z.string().max(64).optional() });
  const checkToken = (token?: string) => {
    if (!token) throw new AppError(401, 'unauthorized', 'token is required');
    if (!sameSecret(token, d.tencentToken)) throw new AppError(403, 'invalid_token', 'Wrong callback token');
  };
  const report = z.object({ sid: z.string().min(1).max(128), report_status: z.string().max(16), errmsg: z.string().max(200).optional(), description: z.string().max(200).optional(), mobile: z.string().max(32).optional() });
  api.route(
    r,
    { method: 'post', path: '/webhooks/sms/tencent/status', tag: 'sms', summary: 'Tencent Cloud SMS delivery reports (短信下发状态回调), a JSON array; `?token=` from the API docs', auth: 'public', query: tencentQuery, body: z.array(report).max(500) },
    async ({ query, body }) => {
      checkToken(query.token);
      for (const item of body) await d.sms.report('tencent', item.sid, item.report_status === 'SUCCESS' ? 'delivered' : 'failed', item.errmsg ?? item.description ?? null);
      return { result: 0, errmsg: 'OK' };
    },
  );
  api.route(
    r,
    { method: 'post', path: '/webhooks/sms/tencent/reply', tag: 'sms', summary: 'Tencent Cloud SMS replies (上行短信回调): 退订 / TD opts the number out; anything else is a message on the ticket the last text was about (or a new one)', auth: 'public', query: tencentQuery, body: z.looseObject({ mobile: z.string().min(3).max(32), nationcode: z.string().max(8).default('86'), text: z.string().max(2000), time: z.union([z.number(), z.string().max(32)]).optional() }) },
    async ({ query, body }) => {
      checkToken(query.token);
      if (!/^\d+$/.test(body.mobile)) throw new ValidationError('mobile must be digits');
      // Tencent's reply has no message id: its number, time and words identify a repeat
      const id = crypto.createHash('sha256').update([body.nationcode, body.mobile, String(body.time ?? ''), body.text].join('\n')).digest('hex').slice(0, 32);
      await d.sms.received('tencent', `+${body.nationcode}${body.mobile}`, body.text, id);
      return { result: 0, errmsg: 'OK' };
    },
  );
  return r;
}
