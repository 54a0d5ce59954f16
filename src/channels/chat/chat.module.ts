import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { Core } from '../../core/core';
import type { AppModule } from '../../modules/app-module';
import type { AttachmentService } from '../../modules/attachments/attachment.service';
import type { TeamService } from '../../modules/teams/team.service';
import type { DeliveryRouter } from '../delivery';
import { AgentAvailability, type OnlineAgents } from './chat.availability';
import { chatDelivery } from './chat.delivery';
import { ChatEmitter } from './chat.emitter';
import { ChatLimits } from './chat.limits';
import { ChatObserver } from './chat.observer';
import { ChatVerification } from './chat.verify';
import { ChatQueue } from './chat.queue';
import { chatAttachmentRoutes } from './chat-attachments.routes';
import { chatRoutes } from './chat.routes';
import { ChatService, type ChatServiceDeps } from './chat.service';
import { setupAgentTyping, setupChatNamespace } from './chat.socket';
import { ChatState, PRESENCE_TTL_MS } from './chat.state';
import { VisitorTokens } from './visitor-token';

/** Mail and chat go to this team unless told otherwise (CONTRACT.md routing defaults). */
export const DEFAULT_CHAT_TEAM = 'support';

export type ChatModuleDeps = Pick<ChatServiceDeps, 'tickets' | 'timeline' | 'updates' | 'inbound' | 'customers' | 'callbacks' | 'ratings'> & {
  delivery: DeliveryRouter;
  teams: Pick<TeamService, 'exists' | 'list'>;
  /** the photos visitors send */
  attachments?: AttachmentService;
  /** who can take a chat, per team (the routing index) */
  online: OnlineAgents;
};

/** Whether a chat ticket's visitor has a socket open (presence in Redis, any node): what the survey module asks. */
export function chatVisitorPresence(core: Core): (ticket: { visitorId?: string | null }) => Promise<boolean> {
  const state = new ChatState(core.redis, core.config.queuePrefix, core.models.Ticket);
  return (ticket) => state.isOnline(ticket.visitorId);
}

/**
 * Live chat: the /chat namespace, the widget script, chat delivery of agents' replies, the
 * waiting queue and the offline form.
 */
export function chatModule(core: Core, d: ChatModuleDeps): AppModule & { chat: ChatService; rebuildQueue(): Promise<number> } {
  const prefix = core.config.queuePrefix;
  const { Ticket, Message, Agent } = core.models;
  const { delivery } = d;
  const state = new ChatState(core.redis, prefix, Ticket);
  const queue = new ChatQueue(state, core.realtime);
  const availability = new AgentAvailability(d.online);
  const verification = new ChatVerification(core.redis, prefix, core.outbox);
  const chat = new ChatService({
    Ticket,
    Message,
    Agent,
    tickets: d.tickets,
    timeline: d.timeline,
    updates: d.updates,
    inbound: d.inbound,
    customers: d.customers,
    outbox: core.outbox,
    clock: core.clock,
    state,
    queue,
    availability,
    callbacks: d.callbacks,
    ratings: d.ratings,
    uploads: d.attachments ?? null,
    verification,
  });
  const tokens = new VisitorTokens(core.config.sessionSecret, core.config.visitorTokenTtlMs, core.clock);
  const observer = new ChatObserver(queue, core.realtime, Agent);
  delivery.register(
    'chat',
    chatDelivery({ realtime: core.realtime, state, timeline: d.timeline, customers: d.customers, outbox: core.outbox, emailAdapter: () => delivery.adapter('email'), log: core.log.child({ component: 'chat-delivery' }) }),
  );
  const limiter = (name: string, points: number, duration: number) => new RateLimiterRedis({ storeClient: core.redis, keyPrefix: `${prefix}:rl:chat-${name}`, points, duration });
  let refresh: NodeJS.Timeout | null = null;

  return {
    name: 'chat',
    chat,
    routes: (api) => [chatRoutes(api, { chat, availability, defaultTeam: DEFAULT_CHAT_TEAM, offlineLimiter: limiter('offline-ip', 10, 600) })],
    rawRoutes: (api) => (d.attachments ? [chatAttachmentRoutes(api, { attachments: d.attachments, tokens, limiter: limiter('upload', 20, 600), Ticket, Message })] : []),
    ticketObservers: () => [observer],
    sockets(io, agents) {
      const nsp = io.of('/chat');
      const log = core.log.child({ component: 'chat' });
      setupChatNamespace(nsp, {
        chat,
        state,
        tokens,
        emitter: new ChatEmitter(core.redis, core.realtime.key),
        realtime: core.realtime,
        teamExists: (t) => d.teams.exists(t),
        defaultTeam: DEFAULT_CHAT_TEAM,
        limits: new ChatLimits(core.redis, prefix),
        clientIp: core.clientIp,
        verification,
        Ticket,
        log,
      });
      setupAgentTyping(agents, { Ticket, realtime: core.realtime, log });
      // Presence of this node's visitor sockets is refreshed well within its expiry; a node that dies stops refreshing.
      refresh = setInterval(() => {
        const entries = [...nsp.sockets.values()].map((s) => ({ vid: (s.data as { visitor: { id: string } }).visitor.id, socketId: s.id }));
        state.present(entries).catch((err) => log.warn({ err: (err as Error).message }, 'chat presence refresh failed'));
      }, PRESENCE_TTL_MS / 3);
      refresh.unref();
    },
    async stopApi() {
      if (refresh) clearInterval(refresh);
    },
    rebuildQueue: async () => queue.rebuild(Ticket, (await d.teams.list()).map((t) => t.key)),
    startWorkers: async () => {
      await queue.rebuild(Ticket, (await d.teams.list()).map((t) => t.key));
    },
  };
}
