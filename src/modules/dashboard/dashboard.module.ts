import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { TeamService } from '../teams/team.service';
import type { QueueIndex } from '../tickets/queue-index';
import { dashboardRoutes } from './dashboard.routes';
import { DashboardService } from './dashboard.service';

/** The supervisor dashboard and the console page. */
export function dashboardModule(core: Core, d: { queueIndex: QueueIndex; teams: TeamService }): AppModule {
  const dashboard = new DashboardService({ index: d.queueIndex, teams: d.teams, Agent: core.models.Agent, clock: core.clock });
  return { name: 'dashboard', routes: (api) => [dashboardRoutes(api, dashboard)] };
}
