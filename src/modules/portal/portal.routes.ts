import { quoteLine } from './status.routes';
import { Router } from 'express';
import type { ApiRegistry } from '../../http/api-route';
import type { Queues } from '../../infra/queues';
import type { Locale } from '../../core/types';
import { AppError, NotFoundError } from '../../errors';
import type { ProductService } from '../products/product.service';
import type { UnitView } from '../units/unit.schemas';
import type { AppointmentService } from '../appointments/appointment.service';
import { normalizeEmail } from '../customers/customer.service';
import { clientIdOf, field, newClientId, PortalPages, safeNext, Signed } from './portal.pages';
import { accepted, formBody, langQuery, magicParams, portalLoginBody, registerQuery, ticketParams, unitParams, workOrderParams } from './portal.schemas';
import { BODY_MAX, PortalService, SUBJECT_MAX } from './portal.service';
import type { PortalSessions } from './portal.session';
import { fill, pageLocale, pageStrings, Strings } from './portal.view';
import { uploadsOf } from './portal.uploads';
import type { StatusService } from './status.service';

export interface PortalRouteDeps {
  pages: PortalPages;
  sessions: PortalSessions;
  portal: PortalService;
  status: StatusService;
  appointments: Pick<AppointmentService, 'ofCustomer' | 'changeable'>;
  products: Pick<ProductService, 'list'>;
  reportPdf: (workOrderId: string) => Promise<{ pdf: Buffer; filename: string } | null>;
  queues: Queues;
  clientIp: { of(req: import('node:http').IncomingMessage): string };
  timeZone: string;
}

const html = ['text/html'] as const;
const FORM = 'application/x-www-form-urlencoded';

/** A unit as the customer reads it: its name in their language, warranty and entitlement in words. */
export function unitText(u: UnitView, t: Strings, locale: Locale, timeZone: string) {
  const until = u.warranty.until ? new Date(u.warranty.until).toLocaleDateString(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone }) : '';
  return {
    id: u.id,
    model: u.model,
    serial: u.serial,
    name: u.product?.name?.[locale] ?? u.model,
    purchaseDate: u.purchaseDate ? new Date(u.purchaseDate).toLocaleDateString(locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone }) : '',
    warrantyText: fill(u.warranty.status === 'in' ? t.warrantyIn : t.warrantyOut, { until }),
    entitlementText: (u.warranty.entitlement ?? []).map((e: string) => t.ent[e] ?? e).join(locale === 'zh-CN' ? '、' : ', '),
  };
}

/** The customer portal: sign-in by a one-time link, the customer's tickets, units, visits, reports. */
export function portalRoutes(api: ApiRegistry, d: PortalRouteDeps): Router {
  const r = Router();
  const { pages } = d;

  /** One sign-in link request: paid per address and per client, then queued; the worker looks the address up. */
  const askLink = async (email: string, ip: string, locale: Locale) => {
    const address = normalizeEmail(email);
    await d.sessions.payForLink(address, ip);
    await d.queues.get('portal').add('login-link', { email: address, locale }, { removeOnComplete: true, attempts: 5 });
  };

  api.route(
    r,
    { method: 'post', path: '/api/portal/login', tag: 'portal', summary: 'Ask for a one-time sign-in link to the portal; always 202, whether the address is known or not', auth: 'public', body: portalLoginBody, status: 202, response: accepted, errors: [429] },
    async ({ body, req }) => {
      await askLink(body.email, d.clientIp.of(req), body.locale ?? pageLocale(req));
      return { status: 'accepted' as const };
    },
  );

  api.route(r, { method: 'post', path: '/portal/login', tag: 'portal', summary: 'The sign-in form (HTML): always the same answer (202), known address or not', auth: 'public', body: formBody, query: langQuery, contentType: FORM, produces: html, status: 202, pageStatus: [400, 429] }, async ({ req, res }) => {
    const locale = pageLocale(req);
    const t = pageStrings()[locale];
    const email = field(req, 'email', 254);
    if (!/^[^\s@]{1,64}@[^\s@]{1,189}$/.test(email)) return pages.signIn(req, res, 400, { error: t.required, email });
    try {
      await askLink(email, d.clientIp.of(req), locale);
    } catch (err) {
      if (err instanceof AppError && err.status === 429) return pages.signIn(req, res, 429, { error: t.tooMany, email });
      throw err;
    }
    pages.page(req, res, { locale, session: null }, 'portal-message', t.linkSentTitle, { title: t.linkSentTitle, text: t.linkSentText }, 202);
  });

  // the link in the mail only shows a button: mail scanners that open links do not use it up
  api.route(r, { method: 'get', path: '/portal/auth/:token', tag: 'portal', summary: 'The sign-in link of the mail (HTML): a button that signs in; opening it uses nothing', auth: 'public', params: magicParams, query: langQuery, produces: html, pageStatus: [410] }, async ({ params, req, res }) => {
    const locale = pageLocale(req);
    const t = pageStrings()[locale];
    if (!(await d.sessions.magicValid(params.token))) return pages.page(req, res, { locale, session: null }, 'portal-message', t.linkInvalidTitle, { title: t.linkInvalidTitle, text: t.linkInvalidText, link: { href: `/portal?lang=${locale}`, label: t.sendLink } }, 410);
    pages.page(req, res, { locale, session: null }, 'portal-confirm', t.confirmSignInTitle, { action: `/portal/auth/${encodeURIComponent(params.token)}?lang=${locale}`, next: safeNext(typeof req.query.next === 'string' ? req.query.next : undefined) });
  });

  api.route(r, { method: 'post', path: '/portal/auth/:token', tag: 'portal', summary: 'Uses the one-time sign-in link (once, within 15 minutes) and sets the session cookie; 303 to the portal', auth: 'public', params: magicParams, body: formBody, query: langQuery, contentType: FORM, produces: html, status: 303, pageStatus: [410] }, async ({ params, req, res }) => {
    const locale = pageLocale(req);
    const t = pageStrings()[locale];
    const opened = await d.sessions.consumeMagic(params.token);
    if (!opened) return pages.page(req, res, { locale, session: null }, 'portal-message', t.linkInvalidTitle, { title: t.linkInvalidTitle, text: t.linkInvalidText, link: { href: `/portal?lang=${locale}`, label: t.sendLink } }, 410);
    d.sessions.setCookie(res, opened.token);
    res.redirect(303, safeNext(field(req, 'next', 500) || undefined));
  });

  api.route(r, { method: 'post', path: '/portal/logout', tag: 'portal', summary: 'Signs out: the session is revoked; 303 to the sign-in page', auth: 'public', body: formBody, contentType: FORM, produces: html, status: 303, pageStatus: [401, 403] }, async ({ req, res }) => {
    const s = await pages.posted(req, res);
    if (!s) return;
    await d.sessions.revoke(s.session);
    d.sessions.clearCookie(res);
    res.redirect(303, `/portal?lang=${s.locale}`);
  });

  api.route(r, { method: 'get', path: '/portal', tag: 'portal', summary: "The customer's portal (HTML): appointments, requests, products, reports; the sign-in form without a session", auth: 'public', query: langQuery, produces: html, pageStatus: [401] }, async ({ req, res }) => {
    const session = await d.sessions.of(req);
    if (!session) return pages.signIn(req, res);
    const s = await pages.signed(req, res);
    if (!s) return;
    const [tickets, units, appointments] = await Promise.all([d.portal.tickets(s.customer.id), d.portal.units(s.customer.id), d.appointments.ofCustomer(s.customer.id)]);
    const visits = (await Promise.all(tickets.slice(0, 30).map((tk) => d.status.visits(tk, s.locale)))).flat();
    const byWo = new Map(visits.map((v) => [v.number, v]));
    const quotes = (await Promise.all(tickets.slice(0, 30).map((tk) => d.status.quotes(tk)))).flat().map((q) => quoteLine(q, s.t));
    const notice = typeof req.query.done === 'string' ? ({ booked: s.t.booked, cancelled: s.t.cancelled, registered: s.t.registered, moved: s.t.booked } as Record<string, string>)[req.query.done] : null;
    pages.page(req, res, s, 'portal-home', s.t.portal, {
      customerName: s.customer.name,
      notice: notice ?? null,
      tickets: tickets.map((tk) => ({ number: tk.number, subject: tk.subject, statusText: s.t.status[tk.status] ?? tk.status })),
      units: units.map((u) => unitText(u, s.t, s.locale, d.timeZone)),
      appointments: appointments.map((a) => {
        const v = a.workOrderNumber ? byWo.get(a.workOrderNumber) : undefined;
        return { id: String(a._id), workOrderNumber: a.workOrderNumber, model: a.model, kindText: s.t.kinds[a.kind] ?? a.kind, window: v?.window ?? a.slotStart.toISOString(), statusText: a.status === 'cancelled' ? s.t.woStatus.cancelled : (v?.statusText ?? ''), changeable: d.appointments.changeable(a) };
      }),
      reports: visits.filter((v) => v.hasReport),
      quotes,
    });
  });

  api.route(r, { method: 'get', path: '/portal/tickets/:number', tag: 'portal', summary: 'One of the customer\'s requests (HTML): status, visits, public messages, reply form', auth: 'public', params: ticketParams, query: langQuery, produces: html, pageStatus: [401, 404] }, async ({ params, req, res }) => {
    const s = await pages.signed(req, res);
    if (!s) return;
    const ticket = await d.portal.ticket(s.customer.id, Number(params.number)).catch(orNull);
    if (!ticket) return pages.notFound(req, res, s);
    const when = (at: Date) => at.toLocaleString(s.locale === 'zh-CN' ? 'zh-CN' : 'en-GB', { timeZone: d.timeZone, dateStyle: 'medium', timeStyle: 'short' });
    const messages = (await d.portal.messages(ticket)).map((m) => ({ ...m, at: when(m.at) }));
    pages.page(req, res, s, 'portal-ticket', `#${ticket.number}`, { ticket: d.status.ticketView(ticket, s.locale), visits: await d.status.visits(ticket, s.locale), messages, clientId: newClientId() });
  });

  api.route(r, { method: 'post', path: '/portal/tickets/:number/reply', tag: 'portal', summary: "The customer's reply on one of their requests with up to 5 attachments of 10 MB (multipart form post); 303 back to it", auth: 'public', params: ticketParams, body: formBody, query: langQuery, contentType: 'multipart/form-data', produces: html, status: 303, pageStatus: [400, 401, 403, 404, 413] }, async ({ params, req, res }) => {
    const s = await pages.posted(req, res);
    if (!s) return;
    const body = field(req, 'body', BODY_MAX);
    const number = Number(params.number);
    const ticket = await d.portal.ticket(s.customer.id, number).catch(orNull);
    if (!ticket) return pages.notFound(req, res, s);
    if (field(req, '_tooLarge')) return pages.message(req, res, s, 413, s.t.attachments, s.t.tooLargeFile);
    const files = uploadsOf(req);
    if (body || files.length) await d.portal.reply(s.customer.id, number, body || '(attachments)', clientIdOf(req), files);
    res.redirect(303, `/portal/tickets/${number}?lang=${s.locale}`);
  });

  api.route(r, { method: 'get', path: '/portal/requests/new', tag: 'portal', summary: 'The form of a new request, on one of the customer\'s products or none (HTML)', auth: 'public', query: registerQuery, produces: html, pageStatus: [401] }, async ({ req, res }) => {
    const s = await pages.signed(req, res);
    if (!s) return;
    const unitId = typeof req.query.unit === 'string' ? req.query.unit : '';
    const units = (await d.portal.units(s.customer.id)).map((u) => ({ ...unitText(u, s.t, s.locale, d.timeZone), selected: u.id === unitId }));
    pages.page(req, res, s, 'portal-new', s.t.newRequest, { units, clientId: newClientId(), subject: '', body: '', error: null });
  });

  api.route(r, { method: 'post', path: '/portal/requests', tag: 'portal', summary: 'Opens a new request (form post); 303 to it', auth: 'public', body: formBody, query: langQuery, contentType: FORM, produces: html, status: 303, pageStatus: [400, 401, 403, 404] }, async ({ req, res }) => {
    const s = await pages.posted(req, res);
    if (!s) return;
    const subject = field(req, 'subject', SUBJECT_MAX);
    const body = field(req, 'body', BODY_MAX);
    const unitId = field(req, 'unitId', 24) || null;
    if (!subject || !body) {
      const units = (await d.portal.units(s.customer.id)).map((u) => ({ ...unitText(u, s.t, s.locale, d.timeZone), selected: u.id === unitId }));
      return pages.page(req, res, s, 'portal-new', s.t.newRequest, { units, clientId: field(req, 'clientId', 64), subject, body, error: s.t.required }, 400);
    }
    const ticket = await d.portal.newRequest(s.customer.id, { subject, body, unitId }, clientIdOf(req)).catch((err) => (err instanceof NotFoundError ? null : Promise.reject(err)));
    if (!ticket) return pages.notFound(req, res, s);
    res.redirect(303, `/portal/tickets/${ticket.number}?lang=${s.locale}`);
  });

  api.route(r, { method: 'get', path: '/portal/units/:id', tag: 'portal', summary: "One of the customer's products (HTML): warranty and entitlement", auth: 'public', params: unitParams, query: langQuery, produces: html, pageStatus: [401, 404] }, async ({ params, req, res }) => {
    const s = await pages.signed(req, res);
    if (!s) return;
    const unit = await d.portal.unitView(s.customer.id, params.id).catch(orNull);
    if (!unit) return pages.notFound(req, res, s);
    const view = unitText(unit, s.t, s.locale, d.timeZone);
    pages.page(req, res, s, 'portal-unit', view.name, { unit: view });
  });

  const registerForm = async (s: Signed, values: { model: string; serial: string; purchaseDate: string; error: string | null }) => {
    const models = (await d.products.list()).map((p) => ({ model: p.model, name: p.name?.[s.locale] ?? p.model, selected: p.model === values.model }));
    return { models, ...values };
  };

  api.route(r, { method: 'get', path: '/portal/register', tag: 'portal', summary: 'Register a product (HTML); `?model=&serial=` from the QR code on the label fill the form', auth: 'public', query: registerQuery, produces: html, pageStatus: [401] }, async ({ req, res }) => {
    const s = await pages.signed(req, res);
    if (!s) return;
    const q = (k: string) => (typeof req.query[k] === 'string' ? String(req.query[k]).slice(0, 64) : '');
    pages.page(req, res, s, 'portal-register', s.t.registerUnit, await registerForm(s, { model: q('model'), serial: q('serial'), purchaseDate: '', error: null }));
  });

  api.route(r, { method: 'post', path: '/portal/register', tag: 'portal', summary: 'Registers a product on the customer (form post); a serial registered already is answered on the form (409)', auth: 'public', body: formBody, query: langQuery, contentType: FORM, produces: html, status: 303, pageStatus: [400, 401, 403, 409, 422] }, async ({ req, res }) => {
    const s = await pages.posted(req, res);
    if (!s) return;
    const values = { model: field(req, 'model', 64), serial: field(req, 'serial', 64), purchaseDate: field(req, 'purchaseDate', 10) };
    const date = /^\d{4}-\d{2}-\d{2}$/.test(values.purchaseDate) ? new Date(`${values.purchaseDate}T00:00:00Z`) : null;
    if (!values.model || !values.serial || !date || Number.isNaN(date.getTime())) return pages.page(req, res, s, 'portal-register', s.t.registerUnit, await registerForm(s, { ...values, error: s.t.required }), 400);
    try {
      const unit = await d.portal.register(s.customer.id, { model: values.model, serial: values.serial, purchaseDate: date });
      res.redirect(303, `/portal/units/${unit._id}?lang=${s.locale}&done=registered`);
    } catch (err) {
      if (!(err instanceof AppError) || ![409, 422].includes(err.status)) throw err;
      const error = err.code === 'duplicate_serial' ? s.t.duplicateSerial : err.code === 'unknown_model' ? s.t.unknownModel : err.message;
      pages.page(req, res, s, 'portal-register', s.t.registerUnit, await registerForm(s, { ...values, error }), err.status);
    }
  });

  api.route(r, { method: 'get', path: '/portal/work-orders/:id/report.pdf', tag: 'portal', summary: "The service report PDF of one of the customer's visits", auth: 'public', params: workOrderParams, produces: ['application/pdf'], pageStatus: [401, 404] }, async ({ params, req, res }) => {
    const s = await pages.signed(req, res);
    if (!s) return;
    const wo = await d.status.workOrderOfCustomer(s.customer.id, params.id);
    const file = wo ? await d.reportPdf(String(wo._id)) : null;
    if (!file) return pages.notFound(req, res, s);
    res.status(200).set({ 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="${file.filename}"`, 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' }).send(file.pdf);
  });

  return r;
}

const orNull = (err: unknown) => (err instanceof NotFoundError ? null : Promise.reject(err));
