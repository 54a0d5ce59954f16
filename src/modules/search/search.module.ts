import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { TeamService } from '../teams/team.service';
import type { TicketQuery } from '../tickets/ticket.query';
import { Analyzer } from './analyzer';
import { TicketSearchIndex } from './ticket-index';
import { TicketSearch } from './ticket-search';

const SWEEP_EVERY_MS = 10 * 60 * 1000;

export interface SearchModuleDeps {
  teams: Pick<TeamService, 'list'>;
  /** the tickets' listing: with `q` it asks this module's index */
  query: Pick<TicketQuery, 'useTextSearch'>;
}

export type SearchModule = AppModule & {
  /** the shared analysis (one dictionary load per process): KB, help centre, tickets, rule conditions */
  analyzer: Analyzer;
  tickets: TicketSearchIndex;
  /** more indexes to check on every sweep (the knowledge base adds its own) */
  addSweep(ensure: () => Promise<unknown>): void;
};

/**
 * Search by words. Tickets: the index is the `search` ticket observer (every ticket and message);
 * `GET /api/tickets?q=` reads it. The worker rebuilds a missing index (first start, a new
 * vocabulary, Redis lost) and a sweeper checks every ten minutes.
 */
export function searchModule(core: Core, d: SearchModuleDeps): SearchModule {
  const { Ticket, Message } = core.models;
  const analyzer = new Analyzer();
  const log = core.log.child({ component: 'search' });
  const tickets = new TicketSearchIndex(core.redis, core.config.queuePrefix, analyzer, log);
  d.query.useTextSearch(new TicketSearch(Ticket, tickets, async () => (await d.teams.list()).map((t) => t.key)));
  const sweeps: (() => Promise<unknown>)[] = [];
  const rebuildTickets = async () => {
    // a lock so that two workers do not rebuild side by side
    const lock = await core.redis.set(`${tickets.postings.base}:rebuilding`, '1', 'EX', 3600, 'NX');
    if (!lock) return 'busy';
    try {
      return await tickets.rebuild(Ticket, Message);
    } finally {
      await core.redis.del(`${tickets.postings.base}:rebuilding`);
    }
  };
  const sweep = async () => {
    if (!(await tickets.isBuilt())) await core.queues.schedule('search', 'rebuild-tickets', {}, { jobId: 'search-rebuild-tickets' });
    for (const s of sweeps) await s();
  };
  return {
    name: 'search',
    analyzer,
    tickets,
    addSweep: (ensure) => sweeps.push(ensure),
    ticketObservers: () => [tickets],
    processors: () => ({ search: { 'rebuild-tickets': rebuildTickets, sweep } }),
    startWorkers: async () => {
      await sweep();
      await core.queues.get('search').upsertJobScheduler('search-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {} });
    },
  };
}
