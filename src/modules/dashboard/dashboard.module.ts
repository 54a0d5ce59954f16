import type { Core } from '../../container';
import type { AppModule } from '../app-module';
import { dashboardRoutes } from './dashboard.routes';
import { DashboardService } from './dashboard.service';

/** The supervisor dashboard and the console page. */
export function dashboardModule(core: Core): AppModule {
  const dashboard = new DashboardService({ index: core.queueIndex, teams: core.teams, Agent: core.models.Agent, clock: core.clock });
  return { name: 'dashboard', routes: (api) => [dashboardRoutes(api, dashboard)] };
}
