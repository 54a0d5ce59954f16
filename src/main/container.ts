import { DeliveryRouter } from '../channels/delivery';
import { MailStore } from '../channels/email/mail-store';
import { uploadModel } from '../modules/attachments/attachment.model';
import { AttachmentService } from '../modules/attachments/attachment.service';
import type { Config } from '../config';
import { createCore, type CoreOptions } from '../core/core';
import { ApiRegistry } from '../http/api-route';
import { ensureIndexes } from '../infra/mongo';
import { AgentService } from '../modules/agents/agent.service';
import { AuditLog } from '../modules/audit/audit.service';
import { ConfigAuditLog, configAuditModel } from '../modules/audit/config-audit';
import { AuthService, bearerToken } from '../modules/auth/auth.service';
import { CustomerService } from '../modules/customers/customer.service';
import { TeamService } from '../modules/teams/team.service';
import { ticketsModule } from '../modules/tickets/tickets.module';
import { rooms } from '../realtime/realtime';
import { buildModules } from './modules';

/**
 * The composition root: the only place that knows every part. It builds the core, the base
 * services, the tickets module and every other module (src/main/modules.ts), and hands the ticket
 * observers of all modules to the observer chain. Both entry points and the tests build the
 * system here; no module or channel imports this file.
 */
export async function createContainer(config: Config, opts: CoreOptions = {}) {
  const core = await createCore(config, opts);
  const { models, clock, redis, log } = core;
  const auth = new AuthService(models.Agent, redis, config.queuePrefix, core.realtime);
  // every settings change (policies, calendars, teams, agents, canned responses, hotline) is written here
  const configAudit = new ConfigAuditLog(configAuditModel(core.conn, clock));
  const teams = new TeamService(models.Team, configAudit, { redis, prefix: config.queuePrefix });
  // a revoked agent's sessions end; one whose teams or role changed reconnects into the rooms of what they may see now
  const agents = new AgentService(models.Agent, teams, clock, async (id, what) => (what === 'revoked' ? auth.revokeAll(id) : core.realtime.disconnectAgents(rooms.agent(id))), configAudit, () => auth.agentsChanged());
  const customers = new CustomerService(models.Customer, models.Contact, clock);
  const audit = new AuditLog(models.Audit);
  const delivery = new DeliveryRouter(log.child({ component: 'delivery' }));
  // uploads share the mail attachments' content-addressed store under DATA_DIR
  const attachments = new AttachmentService(uploadModel(core.conn, clock), new MailStore(config.dataDir), config.attachmentMaxBytes);
  const t = ticketsModule(core, { customers, teams, audit, deliver: delivery.deliver, uploads: attachments, guard: delivery.check });
  const base = { auth, teams, agents, customers, audit, configAudit, attachments, delivery, tickets: t.tickets, timeline: t.timeline, updates: t.updates, inbound: t.inbound, query: t.query, queueIndex: t.queueIndex, live: t.live, ticketUnits: t.units, ticketsModule: t.module, messageList: t.messages };
  const modules = buildModules(core, base);
  t.events.use(modules.flatMap((m) => m.ticketObservers?.() ?? []));
  const guards = modules.flatMap((m) => (m.ticketGuard ? [m.ticketGuard()] : []));
  if (guards.length > 1) throw new Error('two modules guard ticket writes');
  t.guard.use(guards[0] ?? null);
  const api = new ApiRegistry((req) => auth.authenticate(bearerToken(req.headers.authorization)));
  await ensureIndexes(core.conn);
  return {
    ...core,
    ...base,
    events: t.events,

    api,
    modules,
    async close() {
      await t.events.flush();
      await core.close();
    },
  };
}

export type Container = Awaited<ReturnType<typeof createContainer>>;
