import { Router } from 'express';
import { z } from 'zod';
import type { ApiRegistry } from '../../http/api-route';
import { calendarDays } from './business-time';
import { CalendarService, serializeCalendar, toSpec } from './calendar.service';
import { ROLE_SETS } from '../../core/types';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time of day HH:MM');
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
export const calendarSpecBody = z.strictObject({
  timeZone: z.string().min(1).max(64),
  weekly: z.array(z.strictObject({ day: z.number().int().min(1).max(7), from: hhmm, to: hhmm })).min(1).max(70),
  holidays: z.array(z.strictObject({ date, name: z.string().max(100).optional() })).max(1000).optional(),
  workdays: z.array(z.strictObject({ date, like: z.number().int().min(1).max(7).optional(), name: z.string().max(100).optional() })).max(1000).optional(),
});
const createBody = calendarSpecBody.extend({ name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _') });
const nameParams = z.strictObject({ name: z.string().min(1).max(64) });
const daysQuery = z.strictObject({ from: date, days: z.coerce.number().int().min(1).max(400).default(42) });

export function calendarRoutes(api: ApiRegistry, calendars: CalendarService): Router {
  const r = Router();
  api.route(r, { method: 'get', path: '/api/calendars', tag: 'sla', summary: 'Business-hours calendars', auth: 'agent' }, async () => ({
    calendars: (await calendars.list()).map(serializeCalendar),
  }));
  api.route(r, { method: 'post', path: '/api/calendars', tag: 'sla', summary: 'Create a business-hours calendar', auth: ROLE_SETS.managers, body: createBody, status: 201, errors: [409] }, async ({ body, principal }) =>
    serializeCalendar(await calendars.create(body, principal.actor)),
  );
  api.route(r, { method: 'put', path: '/api/calendars/:name', tag: 'sla', summary: 'Change a calendar; live SLA deadlines on it move', auth: ROLE_SETS.managers, params: nameParams, body: calendarSpecBody }, async ({ params, body, principal }) =>
    serializeCalendar(await calendars.update(params.name, body, principal.actor)),
  );
  api.route(
    r,
    { method: 'get', path: '/api/calendars/:name/days', tag: 'sla', summary: 'The calendar day by day (open hours, holidays, make-up workdays) from a date, for a month view', auth: 'agent', params: nameParams, query: daysQuery },
    async ({ params, query }) => ({ days: calendarDays(toSpec(await calendars.get(params.name)), query.from, query.days) }),
  );
  return r;
}
