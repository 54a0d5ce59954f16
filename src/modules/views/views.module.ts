import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { ConfigAuditLog } from '../audit/config-audit';
import type { TicketQuery } from '../tickets/ticket.query';
import { viewModel } from './view.model';
import { viewRoutes } from './view.routes';
import { ViewService } from './view.service';

/** Saved ticket views (personal and per team) with their counts. */
export function viewsModule(core: Core, d: { query: Pick<TicketQuery, 'count' | 'liveRows'>; teams: { exists(key: string): Promise<boolean> }; audit: Pick<ConfigAuditLog, 'record'> }): AppModule {
  const views = new ViewService(viewModel(core.conn, core.clock), d.query, d.teams, d.audit);
  return { name: 'views', routes: (api) => [viewRoutes(api, views)] };
}
