import type { Core } from '../../core/core';
import type { TeamService } from '../teams/team.service';
import type { AppModule } from '../app-module';
import type { ConfigAuditLog } from '../audit/config-audit';
import { cannedModel } from './canned.model';
import { cannedRoutes } from './canned.routes';
import { CannedService } from './canned.service';

/** Canned responses for the console's composer, per team and language. */
export function cannedModule(core: Core, d: { teams: Pick<TeamService, 'exists'>; audit: Pick<ConfigAuditLog, 'record'> }): AppModule {
  const canned = new CannedService(cannedModel(core.conn), d.teams, d.audit);
  return { name: 'canned', routes: (api) => [cannedRoutes(api, canned)] };
}
