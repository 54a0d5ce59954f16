import fs from 'node:fs';
import path from 'node:path';
import { VisitorTokens } from '../../channels/chat/visitor-token';
import type { Core } from '../../core/core';
import type { Locale } from '../../core/types';
import { redisLimiter } from '../../infra/rate-limit';
import type { AppModule } from '../app-module';
import type { Principal } from '../auth/principal';
import type { CustomerService } from '../customers/customer.service';
import type { SearchModule } from '../search/search.module';
import type { TicketService } from '../tickets/ticket.service';
import { helpRoutes, type HelpStrings } from './help.routes';
import { KbIndex } from './kb.index';
import { kbModels } from './kb.model';
import { kbReportRoutes, KbReport } from './kb.report';
import { kbRoutes } from './kb.routes';
import { KbSearch } from './kb.search';
import { KbService } from './kb.service';

const STRINGS_FILE = path.resolve(__dirname, '..', '..', '..', 'templates', 'pages', 'help.locales.json');

export type KbModule = AppModule & { kb: KbService; index: KbIndex; search: KbSearch };

export interface KbModuleDeps {
  /** the analysis the articles are indexed with, and the sweeper that checks their index */
  search: Pick<SearchModule, 'analyzer' | 'addSweep'>;
  /** proposals from solved tickets and the ticket's language for a use */
  tickets: Pick<TicketService, 'visible' | 'messages'>;
  customers: Pick<CustomerService, 'get'>;
}

/**
 * The knowledge base (知识库): articles in en and zh-CN with versions, their search for agents, the
 * public help centre under /help and its search for the chat widget, and the KB report.
 */
export function kbModule(core: Core, d: KbModuleDeps): KbModule {
  const models = kbModels(core.conn, core.clock);
  const log = core.log.child({ component: 'kb' });
  const index = new KbIndex(core.redis, core.config.queuePrefix, d.search.analyzer, models.Article, log);
  const kb = new KbService(models, core.models.Counter, index, core.clock, log);
  const search = new KbSearch(index, kb, d.search.analyzer, core.config.publicUrl);
  const strings = JSON.parse(fs.readFileSync(STRINGS_FILE, 'utf8')) as Record<Locale, HelpStrings>;
  const visitors = new VisitorTokens(core.config.sessionSecret, core.config.visitorTokenTtlMs, core.clock);
  const deflectionLimiter = redisLimiter(core.redis, core.config.queuePrefix, 'kb-deflect', 30, 600);
  const report = new KbReport(models.Event, models.Article, core.clock);
  d.search.addSweep(() => index.ensure());

  const ticketLocale = async (number: number, principal: Principal) => {
    const t = await d.tickets.visible(number, principal);
    const customer = await d.customers.get(String(t.customerId)).catch(() => null);
    const locale: Locale = customer?.locale === 'zh-CN' || (!customer && /\p{Script=Han}/u.test(t.subject)) ? 'zh-CN' : 'en';
    return { locale, team: t.team };
  };

  return {
    name: 'kb',
    kb,
    index,
    search,
    routes: (api) => [
      kbRoutes(api, {
        kb,
        search,
        index,
        tickets: d.tickets,
        ticketLocale,
        proposalWords: { en: { problem: strings.en.proposalProblem, solution: strings.en.proposalSolution }, 'zh-CN': { problem: strings['zh-CN'].proposalProblem, solution: strings['zh-CN'].proposalSolution } },
      }),
      helpRoutes(api, { kb, search, index, templates: core.templates, strings, verifyVisitor: (t) => visitors.verify(t), deflectionLimiter }),
      kbReportRoutes(api, report),
    ],
    // the API answers searches: it makes sure the index of this analysis version exists before
    startApi: async () => {
      await index.ensure();
    },
  };
}
