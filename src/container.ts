import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import type { Config } from './config';
import { ApiRegistry } from './http/api-route';
import { ClientIp } from './http/client-ip';
import { Clock, systemClock } from './infra/clock';
import { connectMongo, ensureIndexes } from './infra/mongo';
import { Queues } from './infra/queues';
import { createRedis, RedisRole, waitReady } from './infra/redis';
import { createLogger, Logger } from './logger';
import { agentModel } from './modules/agents/agent.model';
import { AgentService } from './modules/agents/agent.service';
import type { AppModule } from './modules/app-module';
import { auditModel } from './modules/audit/audit.model';
import { AuditLog } from './modules/audit/audit.service';
import { AuthService, bearerToken } from './modules/auth/auth.service';
import { counterModel } from './modules/counters/counter.model';
import { customerModels } from './modules/customers/customer.model';
import { CustomerService } from './modules/customers/customer.service';
import { teamModel } from './modules/teams/team.model';
import { TeamService } from './modules/teams/team.service';
import { messageModel } from './modules/tickets/message.model';
import { QueueIndex } from './modules/tickets/queue-index';
import { LiveTicketObserver } from './modules/tickets/ticket.live';
import { CustomerMessageBatcher } from './modules/tickets/message-batcher';
import { ticketModel } from './modules/tickets/ticket.model';
import { TicketQuery } from './modules/tickets/ticket.query';
import { TicketService } from './modules/tickets/ticket.service';
import { Realtime, rooms } from './realtime/realtime';
import { buildModules } from './modules';
import { Mailer } from './mail/mailer';
import { MailOutbox } from './mail/outbox';
import { Templates } from './mail/templates';

export interface ContainerOptions {
  clock?: Clock;
  log?: Logger;
}

function createModels(conn: Connection, clock: Clock) {
  return {
    Ticket: ticketModel(conn, clock),
    Message: messageModel(conn, clock),
    Agent: agentModel(conn, clock),
    Team: teamModel(conn),
    Counter: counterModel(conn),
    Audit: auditModel(conn, clock),
    ...customerModels(conn, clock),
  };
}
export type Models = ReturnType<typeof createModels>;

/**
 * The composition root: every repository, service, queue and emitter, wired with plain constructors.
 * Both entry points (the API and the workers) and the tests build the system here.
 */
export async function createContainer(config: Config, opts: ContainerOptions = {}) {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger(config.logLevel);
  const conn = await connectMongo(config.mongodbUri);
  const models = createModels(conn, clock);
  const extraRedis: Redis[] = [];
  const makeRedis = (role: RedisRole): Redis => {
    const c = createRedis(config.redisUrl, role, log.child({ component: `redis-${role}` }));
    extraRedis.push(c);
    return c;
  };
  const redis = makeRedis('command');
  await waitReady(redis);
  const prefix = config.queuePrefix;
  const queues = new Queues(makeRedis('command'), prefix);
  const realtime = new Realtime(makeRedis('command'), `${prefix}-socket.io`);
  const queueIndex = new QueueIndex(redis, prefix);

  const auth = new AuthService(models.Agent, redis, prefix, realtime);
  const teams = new TeamService(models.Team);
  const agents = new AgentService(models.Agent, teams, clock, async (id, what) => (what === 'revoked' ? auth.revokeAll(id) : realtime.disconnectAgents(rooms.agent(id))));
  const customers = new CustomerService(models.Customer, models.Contact, clock);
  const audit = new AuditLog(models.Audit);
  const tickets = new TicketService(models.Ticket, models.Message, models.Counter, models.Agent, customers, audit, teams, clock, log.child({ component: 'tickets' }));
  const ticketQuery = new TicketQuery(models.Ticket, models.Message);
  const messageBatcher = new CustomerMessageBatcher(tickets, models.Ticket, models.Message, clock, log.child({ component: 'message-batcher' }));
  const live = new LiveTicketObserver(queueIndex, realtime, models.Agent, models.Customer);
  const clientIp = new ClientIp(config.trustProxy);
  const api = new ApiRegistry((req) => auth.authenticate(bearerToken(req.headers.authorization)));
  const templates = new Templates();
  const mailer = new Mailer(config);
  const outbox = new MailOutbox(queues);

  const core = { config, clock, log, conn, models, redis, makeRedis, queues, realtime, queueIndex, api, clientIp, auth, teams, agents, customers, audit, tickets, ticketQuery, messageBatcher, live, templates, mailer, outbox };
  const modules: AppModule[] = buildModules(core);
  // The live view observes last, so sockets and the queue show what the other observers did too.
  tickets.observe(live);

  await ensureIndexes(conn);

  return {
    ...core,
    modules,
    async close(): Promise<void> {
      await queues.close().catch(() => undefined);
      await Promise.all(extraRedis.map((c) => c.quit().catch(() => c.disconnect())));
      await conn.close().catch(() => undefined);
    },
  };
}

export type Core = {
  config: Config;
  clock: Clock;
  log: Logger;
  conn: Connection;
  models: Models;
  redis: Redis;
  makeRedis: (role: RedisRole) => Redis;
  queues: Queues;
  realtime: Realtime;
  queueIndex: QueueIndex;
  api: ApiRegistry;
  clientIp: ClientIp;
  auth: AuthService;
  teams: TeamService;
  agents: AgentService;
  customers: CustomerService;
  audit: AuditLog;
  tickets: TicketService;
  ticketQuery: TicketQuery;
  messageBatcher: CustomerMessageBatcher;
  live: LiveTicketObserver;
  templates: Templates;
  mailer: Mailer;
  outbox: MailOutbox;
};
export type Container = Awaited<ReturnType<typeof createContainer>>;
