import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { TeamService } from '../teams/team.service';
import { fieldModel } from './field.model';
import { fieldRoutes } from './field.routes';
import { FieldService } from './field.service';

/** Custom fields of tickets and units: definitions, the API, and the check of every ticket write. */
export function fieldsModule(core: Core, d: { teams: Pick<TeamService, 'exists'> }): AppModule & { fields: FieldService } {
  const fields = new FieldService({ Field: fieldModel(core.conn, core.clock), teams: d.teams, redis: core.redis, prefix: core.config.queuePrefix });
  return {
    name: 'fields',
    fields,
    routes: (api) => [fieldRoutes(api, fields)],
    ticketGuard: () => fields,
  };
}
