import { Router, type Request } from 'express';
import type { ApiRegistry } from '../../http/api-route';
import { UnauthorizedError } from '../../errors';
import type { Principal } from '../auth/principal';
import type { AppointmentDoc } from './appointment.model';
import { appointmentParams, appointmentView, bookBody, rescheduleBody, slotsQuery, slotsResponse } from './appointment.schemas';
import type { AppointmentService, Booker } from './appointment.service';

export interface AppointmentRouteDeps {
  appointments: AppointmentService;
  /** the customer of a portal session cookie, checked with its CSRF header for writes */
  customerOf: (req: Request, write: boolean) => Promise<string | null>;
  /** an agent's bearer token, when the request carries one */
  agentOf: (req: Request) => Promise<Principal | null>;
}

export function serializeAppointment(a: AppointmentDoc) {
  return {
    id: String(a._id),
    status: a.status,
    kind: a.kind,
    unitId: String(a.unitId),
    slotStart: a.slotStart.toISOString(),
    slotEnd: a.slotEnd.toISOString(),
    ticketNumber: a.ticketNumber ?? null,
    workOrderId: a.workOrderId ? String(a.workOrderId) : null,
    workOrderNumber: a.workOrderNumber ?? null,
  };
}

/**
 * Appointments for the portal (the session cookie with `X-CSRF-Token` on writes) and for agents
 * (a bearer token). Documented as public, since either a cookie or a token signs them in.
 */
export function appointmentRoutes(api: ApiRegistry, d: AppointmentRouteDeps): Router {
  const r = Router();

  const booker = async (req: Request, write: boolean): Promise<Booker> => {
    if (req.headers.authorization) {
      const p = await d.agentOf(req);
      if (p) return { kind: 'agent', principal: p };
    }
    const customerId = await d.customerOf(req, write);
    if (customerId) return { kind: 'customer', customerId };
    throw new UnauthorizedError('Sign in to the portal, or send an agent token');
  };

  api.route(
    r,
    { method: 'get', path: '/api/appointments/slots', tag: 'appointments', summary: "Free slots of a team (default field) from its business hours, holidays, its engineers' booked windows and the travel buffer", auth: 'public', query: slotsQuery, response: slotsResponse, errors: [401] },
    async ({ query, req }) => {
      await booker(req, false);
      return d.appointments.slots(query.team, new Date(query.from), new Date(query.to), query.model);
    },
  );

  api.route(
    r,
    { method: 'post', path: '/api/appointments', tag: 'appointments', summary: 'Books a slot for a unit: a scheduled work order in the slot window; 409 slot_taken when the slot filled meanwhile', auth: 'public', body: bookBody, status: 201, response: appointmentView, errors: [401, 409, 422] },
    async ({ body, req }) => serializeAppointment(await d.appointments.book({ ...body, slotStart: new Date(body.slotStart) }, await booker(req, true))),
  );

  api.route(
    r,
    { method: 'post', path: '/api/appointments/:id/reschedule', tag: 'appointments', summary: 'Moves a booked visit to another slot (customers: up to the cutoff before it, 409 cutoff_passed)', auth: 'public', params: appointmentParams, body: rescheduleBody, response: appointmentView, errors: [401, 409, 422] },
    async ({ params, body, req }) => serializeAppointment(await d.appointments.reschedule(params.id, new Date(body.slotStart), await booker(req, true))),
  );

  api.route(
    r,
    { method: 'post', path: '/api/appointments/:id/cancel', tag: 'appointments', summary: 'Cancels a booked visit and its work order (customers: up to the cutoff before it, 409 cutoff_passed)', auth: 'public', params: appointmentParams, response: appointmentView, errors: [401, 409] },
    async ({ params, req }) => serializeAppointment(await d.appointments.cancel(params.id, await booker(req, true))),
  );

  return r;
}
