import { Router, type Request, type Response } from 'express';
import type { ApiRegistry } from '../../http/api-route';
import type { Clock } from '../../infra/clock';
import type { Locale } from '../../core/types';
import { AppError, NotFoundError } from '../../errors';
import { BOOKABLE_KINDS, type AppointmentService, type BookableKind } from '../appointments/appointment.service';
import { windowText } from '../workorders/workorders.effects';
import { field, PortalPages } from './portal.pages';
import { unitText } from './portal.routes';
import { bookQuery, formBody, langQuery, unitParams } from './portal.schemas';
import type { PortalService } from './portal.service';
import type { PortalSessions } from './portal.session';
import { fill, pageLocale, pageStrings, Strings } from './portal.view';
import type { BookingLink, LinkSigner } from './signed-link';

export interface BookingRouteDeps {
  pages: PortalPages;
  sessions: PortalSessions;
  portal: PortalService;
  appointments: AppointmentService;
  links: LinkSigner<BookingLink>;
  clock: Clock;
  timeZone: string;
}

const html = ['text/html'] as const;
const FORM = 'application/x-www-form-urlencoded';
const HORIZON_MS = 14 * 24 * 3600_000;

/**
 * Booking from the portal (HTML forms, no JS): a signed-in customer for any of their units, or
 * anyone holding the signed booking link of a maintenance reminder for that one unit.
 */
export function portalBookingRoutes(api: ApiRegistry, d: BookingRouteDeps): Router {
  const r = Router();
  const { pages } = d;

  /** Who books which unit: the session's customer, or the reminder link's unit (no session needed). */
  const who = async (req: Request, res: Response, write: boolean): Promise<{ customerId: string; unitId: string | null; token: string | null; locale: Locale; t: Strings; session: Awaited<ReturnType<PortalSessions['of']>> } | null> => {
    const src = (write ? req.body : req.query) as Record<string, unknown>;
    const token = typeof src?.t === 'string' ? src.t : null;
    const session = await d.sessions.of(req);
    if (token) {
      const v = d.links.verify(token, d.clock.now());
      const unit = v.ok ? await d.portal.unitById(v.data.u) : null;
      if (unit && (!session || session.customerId === String(unit.customerId))) {
        const customer = await d.portal.customer(String(unit.customerId));
        const locale = pageLocale(req, customer.locale);
        return { customerId: String(unit.customerId), unitId: String(unit._id), token, locale, t: pageStrings()[locale], session };
      }
    }
    const s = write ? await pages.posted(req, res) : await pages.signed(req, res);
    if (!s) return null;
    const unit = typeof src?.unit === 'string' ? src.unit : null;
    return { customerId: s.customer.id, unitId: unit, token: null, locale: s.locale, t: s.t, session: s.session };
  };

  const slotList = async (locale: Locale) => {
    const now = d.clock.now();
    const res = await d.appointments.slots('field', now, new Date(now.getTime() + HORIZON_MS));
    return res.slots.map((s) => ({ start: s.start, text: windowText({ start: new Date(s.start), end: new Date(s.end) }, locale, res.timeZone) }));
  };

  const bookPage = async (req: Request, res: Response, w: NonNullable<Awaited<ReturnType<typeof who>>>, unitId: string, values: { kind?: string; address?: string; note?: string; error?: string | null }, status = 200) => {
    const unit = await d.portal.unitView(w.customerId, unitId).catch((err) => (err instanceof NotFoundError ? null : Promise.reject(err)));
    if (!unit) return pages.notFound(req, res, { locale: w.locale, session: w.session, t: w.t });
    const kind = values.kind ?? 'maintenance';
    pages.page(req, res, { locale: w.locale, session: w.session }, 'portal-book', w.t.bookTitle, {
      title: w.t.bookTitle,
      unit: unitText(unit, w.t, w.locale, d.timeZone),
      token: w.token,
      action: `/portal/book?lang=${w.locale}`,
      kinds: BOOKABLE_KINDS.map((k) => ({ value: k, label: w.t.kinds[k], selected: k === kind })),
      address: values.address ?? '',
      note: values.note ?? '',
      error: values.error ?? null,
      slots: await slotList(w.locale),
      button: w.t.bookButton,
      reschedule: false,
    }, status);
  };

  api.route(r, { method: 'get', path: '/portal/book', tag: 'portal', summary: "Book a service visit for a unit (HTML): the free slots of the next two weeks; `t` is a maintenance reminder's signed booking link", auth: 'public', query: bookQuery, produces: html, pageStatus: [401, 404] }, async ({ req, res }) => {
    const w = await who(req, res, false);
    if (!w) return;
    const unitId = w.unitId ?? (await d.portal.units(w.customerId))[0]?.id;
    if (!unitId) return pages.notFound(req, res, { locale: w.locale, session: w.session, t: w.t });
    await bookPage(req, res, w, unitId, {});
  });

  api.route(r, { method: 'post', path: '/portal/book', tag: 'portal', summary: 'Books the chosen slot (form post); 409 on the form when it was just taken', auth: 'public', body: formBody, query: langQuery, contentType: FORM, produces: html, status: 303, pageStatus: [400, 401, 403, 404, 409] }, async ({ req, res }) => {
    const w = await who(req, res, true);
    if (!w?.unitId) return w ? pages.notFound(req, res, { locale: w.locale, session: w.session, t: w.t }) : undefined;
    const values = { kind: field(req, 'kind', 20), address: field(req, 'address', 500), note: field(req, 'note', 2000) };
    const slotStart = new Date(field(req, 'slotStart', 40));
    if (!BOOKABLE_KINDS.includes(values.kind as BookableKind) || !values.address || Number.isNaN(slotStart.getTime())) return bookPage(req, res, w, w.unitId, { ...values, error: w.t.required }, 400);
    try {
      await d.appointments.book({ slotStart, unitId: w.unitId, kind: values.kind as BookableKind, address: values.address, note: values.note || undefined }, { kind: 'customer', customerId: w.customerId });
    } catch (err) {
      if (err instanceof AppError && (err.code === 'slot_taken' || err.code === 'not_a_slot')) return bookPage(req, res, w, w.unitId, { ...values, error: w.t.slotTaken }, 409);
      throw err;
    }
    if (w.session) return res.redirect(303, `/portal?lang=${w.locale}&done=booked`);
    pages.page(req, res, { locale: w.locale, session: null }, 'portal-message', w.t.booked, { title: w.t.booked, text: w.t.booked }, 201);
  });

  const reschedulePage = async (req: Request, res: Response, s: { locale: Locale; session: NonNullable<Awaited<ReturnType<PortalSessions['of']>>>; t: Strings; customerId: string }, id: string, error: string | null, status = 200) => {
    const a = await d.appointments.byId(id);
    if (!a || String(a.customerId) !== s.customerId) return pages.notFound(req, res, s);
    if (!d.appointments.changeable(a)) return pages.message(req, res, s, 409, s.t.reschedule, fill(s.t.tooLate, { hours: d.appointments.cutoffHours }));
    const unit = await d.portal.unitView(s.customerId, String(a.unitId));
    pages.page(req, res, s, 'portal-book', s.t.reschedule, { title: s.t.reschedule, unit: unitText(unit, s.t, s.locale, d.timeZone), action: `/portal/appointments/${id}/reschedule?lang=${s.locale}`, slots: await slotList(s.locale), button: s.t.reschedule, reschedule: true, error }, status);
  };

  api.route(r, { method: 'get', path: '/portal/appointments/:id/reschedule', tag: 'portal', summary: 'Choose another slot for a booked visit (HTML); 409 past the cutoff', auth: 'public', params: unitParams, query: langQuery, produces: html, pageStatus: [401, 404, 409] }, async ({ params, req, res }) => {
    const s = await pages.signed(req, res);
    if (s) await reschedulePage(req, res, { ...s, customerId: s.customer.id }, params.id, null);
  });

  api.route(r, { method: 'post', path: '/portal/appointments/:id/reschedule', tag: 'portal', summary: 'Moves a booked visit to the chosen slot (form post)', auth: 'public', params: unitParams, body: formBody, query: langQuery, contentType: FORM, produces: html, status: 303, pageStatus: [400, 401, 403, 404, 409] }, async ({ params, req, res }) => {
    const s = await pages.posted(req, res);
    if (!s) return;
    const slotStart = new Date(field(req, 'slotStart', 40));
    try {
      if (Number.isNaN(slotStart.getTime())) throw new AppError(422, 'not_a_slot', 'no slot chosen');
      await d.appointments.reschedule(params.id, slotStart, { kind: 'customer', customerId: s.customer.id });
    } catch (err) {
      if (err instanceof NotFoundError) return pages.notFound(req, res, s);
      if (err instanceof AppError && ['slot_taken', 'not_a_slot'].includes(err.code)) return reschedulePage(req, res, { ...s, customerId: s.customer.id }, params.id, s.t.slotTaken, 409);
      if (err instanceof AppError && err.status === 409) return pages.message(req, res, s, 409, s.t.reschedule, fill(s.t.tooLate, { hours: d.appointments.cutoffHours }));
      throw err;
    }
    res.redirect(303, `/portal?lang=${s.locale}&done=moved`);
  });

  api.route(r, { method: 'post', path: '/portal/appointments/:id/cancel', tag: 'portal', summary: 'Cancels a booked visit (form post); 409 past the cutoff', auth: 'public', params: unitParams, body: formBody, query: langQuery, contentType: FORM, produces: html, status: 303, pageStatus: [401, 403, 404, 409] }, async ({ params, req, res }) => {
    const s = await pages.posted(req, res);
    if (!s) return;
    try {
      await d.appointments.cancel(params.id, { kind: 'customer', customerId: s.customer.id });
    } catch (err) {
      if (err instanceof NotFoundError) return pages.notFound(req, res, s);
      if (err instanceof AppError && err.status === 409) return pages.message(req, res, s, 409, s.t.cancel, fill(s.t.tooLate, { hours: d.appointments.cutoffHours }));
      throw err;
    }
    res.redirect(303, `/portal?lang=${s.locale}&done=cancelled`);
  });

  return r;
}
