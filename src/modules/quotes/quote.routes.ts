import fs from 'node:fs';
import path from 'node:path';
import { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import type { Logger } from '../../logger';
import type { Templates } from '../../mail/templates';
import type { Locale } from '../../core/types';
import type { QuoteDoc } from './quote.model';
import { createQuoteBody, paymentBody, quoteDecisionBody, quotePageQuery, quoteParams, quoteTokenParams, quoteView, ticketNumberParams } from './quote.schemas';
import { PAYERS, yuan, type QuoteService } from './quote.service';

const STRINGS_FILE = path.resolve(__dirname, '..', '..', '..', 'templates', 'pages', 'quote.locales.json');
type Strings = Record<string, string>;

export interface QuoteRouteDeps {
  quotes: QuoteService;
  templates: Templates;
  orgTimeZone: string;
  log: Logger;
}

export function quoteRoutes(api: ApiRegistry, d: QuoteRouteDeps): Router {
  const r = Router();
  api.components.Quote = quoteView;

  api.route(r, { method: 'post', path: '/api/tickets/:number/quotes', tag: 'quotes', summary: 'Quote parts (at catalogue prices), labour, travel and other lines in integer fen; mailed to the customer with a signed link', auth: 'agent', params: ticketNumberParams, body: createQuoteBody, status: 201, response: quoteView, errors: [422] }, async ({ params, body, principal }) =>
    d.quotes.serialize(await d.quotes.create(params.number, body, principal)),
  );

  api.route(r, { method: 'get', path: '/api/tickets/:number/quotes', tag: 'quotes', summary: 'The quotes of a ticket (team-scoped)', auth: 'agent', params: ticketNumberParams, response: z.object({ quotes: z.array(quoteView) }) }, async ({ params, principal }) => ({
    quotes: (await d.quotes.ofTicket(params.number, principal)).map((q) => d.quotes.serialize(q)),
  }));

  api.route(r, { method: 'get', path: '/api/quotes/:id', tag: 'quotes', summary: 'One quote (team-scoped)', auth: 'agent', params: quoteParams, response: quoteView }, async ({ params, principal }) => d.quotes.serialize(await d.quotes.get(params.id, principal)));

  api.route(
    r,
    { method: 'post', path: '/api/quotes/:id/payment', tag: 'quotes', summary: 'Record the payment of an accepted quote (supervisors of the team, managers, admins): the exact total (422 amount_mismatch) and a reference; a repeat answers the first result; its work order may then be dispatched', auth: PAYERS, params: quoteParams, body: paymentBody, response: quoteView, errors: [409, 422] },
    async ({ params, body, principal, res }) => {
      const { quote, replayed } = await d.quotes.pay(params.id, body, principal);
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      return d.quotes.serialize(quote);
    },
  );

  mountPage(api, r, d);
  return r;
}

/**
 * The customer's quote page (HTML, no login, no script: the signed token is the key). GET only
 * shows — a mail scanner that follows the link changes nothing; the answer is a POST form, once.
 */
function mountPage(api: ApiRegistry, r: Router, d: QuoteRouteDeps): void {
  const strings = JSON.parse(fs.readFileSync(STRINGS_FILE, 'utf8')) as Record<Locale, Strings>;
  const pick = (v: unknown): Locale | null => (v === 'zh-CN' || v === 'en' ? v : null);
  const localeOf = (req: Request, q?: QuoteDoc | null): Locale => pick(req.query.lang) ?? pick((req.body as Record<string, unknown> | undefined)?.lang) ?? (q ? (q.locale as Locale) : /^zh\b/i.test(req.headers['accept-language'] ?? '') ? 'zh-CN' : 'en');
  const date = (at: Date, locale: Locale) => at.toLocaleString(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: d.orgTimeZone, dateStyle: 'long', timeStyle: 'short' });

  const page = (res: Response, status: number, req: Request, locale: Locale, data: Record<string, unknown>) => {
    const t = strings[locale] ?? strings.en;
    const other: Locale = locale === 'zh-CN' ? 'en' : 'zh-CN';
    res
      .status(status)
      .set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' })
      .type('html')
      .send(d.templates.renderPage('quote', { locale, t, switchHref: `${req.baseUrl}${req.path}?lang=${encodeURIComponent(other)}`, switchLabel: strings[other].languageName, ...data }));
  };
  const message = (res: Response, status: number, req: Request, locale: Locale, key: string, q?: QuoteDoc | null) => {
    const t = strings[locale] ?? strings.en;
    page(res, status, req, locale, { title: t[`${key}Title`], text: t[`${key}Text`], ...(q ? details(q, locale) : {}) });
  };
  const details = (q: QuoteDoc, locale: Locale) => {
    const t = strings[locale] ?? strings.en;
    return {
      quote: {
        number: q.number,
        ticketNumber: q.ticketNumber,
        lines: q.lines.map((l) => ({ kind: t[`kind_${l.kind}`] ?? l.kind, description: l.description, qty: l.qty, unitPrice: yuan(l.unitPrice), amount: yuan(l.amount) })),
        total: yuan(q.total),
        validUntil: date(q.validUntil, locale),
        status: t[`status_${d.quotes.status(q)}`] ?? d.quotes.status(q),
      },
    };
  };
  const guarded = (fn: (req: Request, res: Response, token: string) => Promise<void>) => async ({ params, req, res }: { params: { token: string }; req: Request; res: Response }) => {
    try {
      await fn(req, res, params.token);
    } catch (err) {
      d.log.error({ err, path: '/quote/:token' }, 'quote page failed');
      if (!res.headersSent) message(res, 500, req, localeOf(req), 'error');
    }
  };

  api.route(
    r,
    { method: 'get', path: '/quote/:token', tag: 'quotes', summary: "The customer's quote page (HTML, en/zh-CN, works without JS); opening it changes nothing", auth: 'public', params: quoteTokenParams, query: quotePageQuery, produces: ['text/html'], pageStatus: [404] },
    guarded(async (req, res, token) => {
      const q = await d.quotes.byToken(token);
      const locale = localeOf(req, q);
      if (!q) return message(res, 404, req, locale, 'invalid');
      const status = d.quotes.status(q);
      const t = strings[locale] ?? strings.en;
      const note = status === 'sent' ? null : t[`note_${status}`];
      page(res, 200, req, locale, { ...details(q, locale), form: status === 'sent', action: `/quote/${encodeURIComponent(token)}`, note, title: t.heading });
    }),
  );

  api.route(
    r,
    { method: 'post', path: '/quote/:token', tag: 'quotes', summary: 'Accept or decline the quote, once (HTML form post): 409 when already answered, 410 when expired', auth: 'public', params: quoteTokenParams, body: quoteDecisionBody, contentType: 'application/x-www-form-urlencoded', produces: ['text/html'], pageStatus: [400, 404, 409, 410] },
    guarded(async (req, res, token) => {
      const decision = (req.body as Record<string, unknown>)?.decision;
      const q = await d.quotes.byToken(token);
      const locale = localeOf(req, q);
      if (!q) return message(res, 404, req, locale, 'invalid');
      if (decision !== 'accept' && decision !== 'decline') return message(res, 400, req, locale, 'badDecision', q);
      const result = await d.quotes.decide(token, decision);
      if (result.kind === 'invalid') return message(res, 404, req, locale, 'invalid');
      if (result.kind === 'recorded') return message(res, 200, req, locale, decision === 'accept' ? 'accepted' : 'declined', result.quote);
      if (result.kind === 'expired') return message(res, 410, req, locale, 'expired', result.quote);
      message(res, 409, req, locale, 'answered', result.quote);
    }),
  );
}
