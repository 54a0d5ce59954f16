import type { Job } from 'bullmq';
import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { CustomerService } from '../customers/customer.service';
import type { PartService } from '../parts/parts.service';
import type { TicketMessages } from '../tickets/ticket.messages';
import type { TicketService } from '../tickets/ticket.service';
import type { WorkOrderService } from '../workorders/workorders.service';
import { LookupRows, lookupRowsModel } from '../../infra/lookup-rows';
import { quoteModel } from './quote.model';
import { quoteRoutes } from './quote.routes';
import { QuoteService } from './quote.service';
import { QuoteTokens } from './quote.token';

const SWEEP_EVERY_MS = 60_000;

export interface QuotesModuleDeps {
  tickets: Pick<TicketService, 'visible' | 'byId'>;
  timeline: Pick<TicketMessages, 'addEvent'>;
  customers: Pick<CustomerService, 'get'>;
  parts: Pick<PartService, 'bySkus'>;
  workOrders: Pick<WorkOrderService, 'visible' | 'paymentCleared' | 'quoteAnswered'>;
}

/** Quotes (报价) and payment before paid work (先款后货). */
export function quotesModule(core: Core, d: QuotesModuleDeps) {
  const quotes = new QuoteService({
    Quote: quoteModel(core.conn, core.clock),
    rows: new LookupRows(lookupRowsModel(core.conn, 'QuoteIndex')),
    Counter: core.models.Counter,
    ...d,
    tokens: new QuoteTokens(core.config.sessionSecret),
    queues: core.queues,
    outbox: core.outbox,
    realtime: core.realtime,
    publicUrl: core.config.publicUrl,
    clock: core.clock,
    log: core.log.child({ component: 'quotes' }),
  });
  return {
    name: 'quotes',
    quotes,
    routes: (api) => [quoteRoutes(api, { quotes, templates: core.templates, orgTimeZone: core.config.orgTimeZone, log: core.log.child({ component: 'quote-page' }) })],
    processors: () => ({
      quotes: {
        expire: (job: Job<{ quoteId: string }>) => quotes.expire(job.data.quoteId),
        sweep: () => quotes.sweep(),
      },
    }),
    // quotes stored before the ticket rows existed get them, once per database
    startApi: async () => void (await quotes.backfill()),
    startWorkers: async () => {
      await quotes.backfill();
      await core.queues.get('quotes').upsertJobScheduler('quotes-sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } });
    },
  } satisfies AppModule & Record<string, unknown>;
}
