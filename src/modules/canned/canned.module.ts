import type { Core } from '../../core/core';
import type { TeamService } from '../teams/team.service';
import type { AppModule } from '../app-module';
import { cannedModel } from './canned.model';
import { cannedRoutes } from './canned.routes';

/** Canned responses for the console's composer. */
export function cannedModule(core: Core, d: { teams: Pick<TeamService, 'exists'> }): AppModule {
  const Canned = cannedModel(core.conn);
  return { name: 'canned', routes: (api) => [cannedRoutes(api, Canned, d.teams)] };
}
