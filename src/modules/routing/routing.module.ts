import type { Core } from '../../core/core';
import type { AgentService } from '../agents/agent.service';
import type { AppModule } from '../app-module';
import type { TicketService } from '../tickets/ticket.service';
import type { TicketUpdates } from '../tickets/ticket.updates';
import { ChatRouter } from './chat-router';
import { PresenceService } from './presence.service';
import { RoutingIndex } from './routing-index';
import { agentSocketHandlers } from './routing.socket';
import { TicketViewers } from './ticket-viewers';

/** Presence, chat capacity routing and who-is-on-this-ticket. */
/** How often each API node checks for sockets that no node holds any more (a crashed node's). */
const REAP_EVERY_MS = 30_000;
/** How often each API node rebuilds the routing index from MongoDB (besides at start): every this many sweeps. */
const REPAIR_EVERY_SWEEPS = 10;

export interface RoutingModuleDeps {
  agents: AgentService;
  tickets: Pick<TicketService, 'visible'>;
  updates: Pick<TicketUpdates, 'assignIfUnassigned'>;
}

export interface RoutingModule extends AppModule {
  router: ChatRouter;
  /** online agents per team, live chats per agent (Redis; repaired from MongoDB) */
  index: RoutingIndex;
  presence: PresenceService;
  viewers: TicketViewers;
  reapPresence(): Promise<string[]>;
  /** resolves once this node has cleaned up after every agent socket that disconnected so far */
  socketsIdle(): Promise<void>;
}

export function routingModule(core: Core, d: RoutingModuleDeps): RoutingModule {
  let reapPresence: (() => Promise<string[]>) | undefined;
  const prefix = core.config.queuePrefix;
  const log = core.log.child({ component: 'routing' });
  const index = new RoutingIndex({ redis: core.redis, prefix, Agent: core.models.Agent, Ticket: core.models.Ticket, log });
  const router = new ChatRouter({ Ticket: core.models.Ticket, Agent: core.models.Agent, Team: core.models.Team, updates: d.updates, redis: core.redis, prefix, index, log });
  const presence = new PresenceService({ redis: core.redis, prefix, agents: d.agents, realtime: core.realtime, log });
  const viewers = new TicketViewers({ redis: core.redis, prefix, realtime: core.realtime, clock: core.clock });
  let handlers: { stop(): Promise<void>; idle(): Promise<void> } | undefined;
  let reaper: NodeJS.Timeout | undefined;
  d.agents.observePresence(async (agent) => {
    try {
      presence.announce(agent);
      await index.agentChanged(agent);
      if (agent.presence?.status === 'online') await router.fillAgent(String(agent._id));
    } catch (err) {
      log.error({ err, agent: String(agent._id) }, 'presence change handling failed');
    }
  });
  return {
    name: 'routing',
    router,
    index,
    presence,
    viewers,
    ticketObservers: () => [router],
    sockets: (_io, agents) => {
      handlers = agentSocketHandlers(agents, { presence, viewers, tickets: d.tickets, log });
      reapPresence = async () => presence.reap(new Set((await agents.fetchSockets()).map((s) => s.id)));
    },
    startApi: async () => {
      // a restart, a lost Redis, a crashed node: the index is rebuilt from MongoDB before the first chat is routed
      await index.repair();
      let sweeps = 0;
      reaper = setInterval(() => {
        void reapPresence?.().catch((err) => log.warn({ err }, 'presence sweep failed'));
        if (++sweeps % REPAIR_EVERY_SWEEPS === 0) void index.repair().catch((err) => log.warn({ err }, 'routing index repair failed'));
      }, REAP_EVERY_MS);
      reaper.unref();
    },
    stopApi: async () => {
      clearInterval(reaper);
      await handlers?.stop();
    },
    reapPresence: () => reapPresence?.() ?? Promise.resolve([]),
    socketsIdle: () => handlers?.idle() ?? Promise.resolve(),
  };
}
