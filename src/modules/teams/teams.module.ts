import type { AppModule } from '../app-module';
import { teamRoutes } from './team.routes';
import type { TeamService } from './team.service';

/** Teams and the support addresses that route to them. */
export function teamsModule(teams: TeamService): AppModule {
  return { name: 'teams', routes: (api) => [teamRoutes(api, teams)] };
}
