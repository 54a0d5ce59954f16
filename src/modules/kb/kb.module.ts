import fs from 'node:fs';
import path from 'node:path';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { VisitorTokens } from '../../channels/chat/visitor-token';
import type { Core } from '../../container';
import type { AppModule } from '../app-module';
import type { Analyzer } from '../search/analyzer';
import type { Locale } from '../tickets/ticket.types';
import { helpRoutes, type HelpStrings } from './help.routes';
import { KbIndex } from './kb.index';
import { kbModels } from './kb.model';
import { kbReportRoutes, KbReport } from './kb.report';
import { kbRoutes } from './kb.routes';
import { KbSearch } from './kb.search';
import { KbService } from './kb.service';

const STRINGS_FILE = path.resolve(__dirname, '..', '..', '..', 'templates', 'pages', 'help.locales.json');

export type KbModule = AppModule & { kb: KbService; index: KbIndex; search: KbSearch };

/**
 * The knowledge base (知识库): articles in en and zh-CN with versions, their search for agents, the
 * public help centre under /help and its search for the chat widget, and the KB report.
 */
export function kbModule(core: Core, analyzer: Analyzer, addSweep: (ensure: () => Promise<unknown>) => void): KbModule {
  const models = kbModels(core.conn, core.clock);
  const log = core.log.child({ component: 'kb' });
  const index = new KbIndex(core.redis, core.config.queuePrefix, analyzer, models.Article, log);
  const kb = new KbService(models, core.models.Counter, index, core.clock, log);
  const search = new KbSearch(index, kb, analyzer, core.config.publicUrl);
  const strings = JSON.parse(fs.readFileSync(STRINGS_FILE, 'utf8')) as Record<Locale, HelpStrings>;
  const visitors = new VisitorTokens(core.config.sessionSecret);
  const deflectionLimiter = new RateLimiterRedis({ storeClient: core.redis, keyPrefix: `${core.config.queuePrefix}:rl:kb-deflect`, points: 30, duration: 600 });
  const report = new KbReport(models.Event, models.Article, core.clock);
  addSweep(() => index.ensure());

  const ticketLocale = async (number: number, principal: Parameters<Core['tickets']['visible']>[1]) => {
    const t = await core.tickets.visible(number, principal);
    const customer = await core.customers.get(String(t.customerId)).catch(() => null);
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
        tickets: core.tickets,
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
