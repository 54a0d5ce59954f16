import { Router } from 'express';
import type { ApiRegistry } from '../../http/api-route';
import type { AuditLog } from '../audit/audit.service';
import type { AgentModel } from '../agents/agent.model';
import type { CustomerModel } from '../customers/customer.model';
import type { CustomerService } from '../customers/customer.service';
import type { TeamService } from '../teams/team.service';
import type { QueueIndex } from './queue-index';
import type { TicketDoc } from './ticket.model';
import type { TicketQuery } from './ticket.query';
import { serializeCustomerDoc } from '../customers/customer.serialize';
import { createTicketBody, listTicketsQuery, messagesQuery, patchTicketBody, queueQuery, replyBody, ticketNumberParams } from './ticket.schemas';
import { loadNames, serializeMessage, serializeTicket } from './ticket.serialize';
import type { TicketMessages } from './ticket.messages';
import type { TicketService } from './ticket.service';
import type { TicketUnitLinks } from './ticket.units';
import type { TicketUpdates } from './ticket.updates';

export interface TicketRouteDeps {
  tickets: TicketService;
  timeline: TicketMessages;
  updates: TicketUpdates;
  query: TicketQuery;
  queueIndex: QueueIndex;
  customers: CustomerService;
  teams: TeamService;
  audit: AuditLog;
  Agent: AgentModel;
  Customer: CustomerModel;
  /** the unit a ticket is about (src/modules/units, plugged in through TicketUnits) */
  units: TicketUnitLinks;
}

export function ticketRoutes(api: ApiRegistry, d: TicketRouteDeps): Router {
  const r = Router();
  const views = async (tickets: TicketDoc[], known?: Parameters<typeof loadNames>[3]) => {
    const names = await loadNames(tickets, d.Agent, d.Customer, known);
    return tickets.map((t) => serializeTicket(t, names));
  };
  const view = async (t: TicketDoc, known?: Parameters<typeof loadNames>[3]) => (await views([t], known))[0];

  api.route(r, { method: 'get', path: '/api/tickets', tag: 'tickets', summary: 'List and search tickets of your teams', auth: 'agent', query: listTicketsQuery }, async ({ query, principal }) => {
    if (query.team) principal.assertTeam(query.team);
    const { tickets, nextCursor, sort } = await d.query.list(query, principal);
    return { tickets: await views(tickets), nextCursor, sort };
  });

  api.route(r, { method: 'get', path: '/api/queue', tag: 'tickets', summary: 'The live queue of your teams, ordered by SLA due time and priority', auth: 'agent', query: queueQuery }, async ({ query, principal }) => {
    if (query.team) principal.assertTeam(query.team);
    const teams = query.team ? [query.team] : (principal.visibleTeams() ?? (await d.teams.list()).map((t) => t.key));
    return d.queueIndex.page(teams, query.limit, query.cursor);
  });

  api.route(r, { method: 'post', path: '/api/tickets', tag: 'tickets', summary: 'Register an inquiry (a phone call, a walk-in, a letter)', auth: 'agent', body: createTicketBody, status: 201 }, async ({ body, principal }) => {
    const team = body.team ?? principal.teams[0] ?? 'support';
    principal.assertTeam(team);
    const unit = body.unitId ? await d.units.resolve(body.unitId, principal) : null;
    const { ticket, customer } = await d.tickets.create(
      {
        channel: body.channel,
        subject: body.subject,
        customer: body.customer,
        ...(unit ? { customerId: unit.customerId, unitId: unit.id } : {}),
        team,
        type: body.type,
        priority: body.priority,
        tags: body.tags,
        product: unit ? { model: unit.model, serial: unit.serial } : body.product,
        fields: body.fields,
        message: { body: body.body, channel: body.channel, author: { type: 'customer', name: body.customer.name }, delivery: 'received' },
      },
      { type: 'agent', id: principal.id, name: principal.name },
    );
    if (unit) await d.units.linked(ticket);
    // the customer the creation found or made: the view names it without reading it again
    return view(ticket, customer ? { customers: [customer] } : undefined);
  });

  api.route(r, { method: 'get', path: '/api/tickets/:number', tag: 'tickets', summary: 'One ticket by its number', auth: 'agent', params: ticketNumberParams }, async ({ params, principal }) => {
    const t = await d.tickets.visible(params.number, principal);
    return { ...(await view(t)), unit: await d.units.view(t) };
  });

  api.route(r, { method: 'get', path: '/api/tickets/:number/messages', tag: 'tickets', summary: 'The timeline of a ticket', auth: 'agent', params: ticketNumberParams, query: messagesQuery }, async ({ params, query, principal }) => {
    const t = await d.tickets.visible(params.number, principal);
    const messages = await d.tickets.messages(t, { includeInternal: true, after: query.after });
    return { messages: messages.map((m) => serializeMessage(m)) };
  });

  api.route(r, { method: 'post', path: '/api/tickets/:number/messages', tag: 'tickets', summary: 'Reply on the ticket\'s channel, or add an internal note', auth: 'agent', params: ticketNumberParams, body: replyBody, status: 201, errors: [409] }, async ({ params, body, principal }) => {
    const { message } = await d.timeline.reply(params.number, principal, body);
    return serializeMessage(message);
  });

  api.route(r, { method: 'patch', path: '/api/tickets/:number', tag: 'tickets', summary: 'Change status, priority, type, team, assignee or the linked unit (unitId)', auth: 'agent', params: ticketNumberParams, body: patchTicketBody, errors: [409] }, async ({ params, body, principal }) => {
    const { unitId, ...patch } = body;
    const unit = unitId === undefined ? undefined : unitId === null ? null : await d.units.resolve(unitId, principal);
    const t = await d.updates.update(params.number, { ...patch, unit }, principal);
    if (unit) await d.units.linked(t);
    return view(t);
  });

  api.route(r, { method: 'get', path: '/api/tickets/:number/audit', tag: 'tickets', summary: 'Who changed what on the ticket, and when', auth: 'agent', params: ticketNumberParams }, async ({ params, principal }) => {
    const t = await d.tickets.visible(params.number, principal);
    return { entries: await d.audit.forTicket(t) };
  });

  api.route(r, { method: 'get', path: '/api/tickets/:number/customer', tag: 'tickets', summary: 'The customer panel: contacts and earlier tickets (units: GET /api/customers/:id/units)', auth: 'agent', params: ticketNumberParams }, async ({ params, principal }) => {
    const t = await d.tickets.visible(params.number, principal);
    const c = await d.customers.get(String(t.customerId));
    // the customer's latest tickets by `_id` from the record (CustomerTeams keeps them), never a scan of the tickets
    const tickets = await d.tickets.recentOf(c, principal, 20);
    return {
      customer: serializeCustomerDoc(c),
      tickets: (await views(tickets.filter((x) => x.number !== t.number).slice(0, 20))).map((x) => ({ number: x.number, subject: x.subject, status: x.status, channel: x.channel, type: x.type, createdAt: x.createdAt })),
    };
  });

  return r;
}
