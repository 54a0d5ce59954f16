import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { ConfigAuditLog } from '../audit/config-audit';
import { calendarModel } from './calendar.model';
import { calendarRoutes } from './calendar.routes';
import { CalendarService, TeamHours } from './calendar.service';

/** Business-hours calendars, and "when does this team open next" for other modules. */
export function calendarsModule(core: Core, d: { audit: Pick<ConfigAuditLog, 'record'> }): { module: AppModule; calendars: CalendarService; hours: TeamHours } {
  const calendars = new CalendarService(calendarModel(core.conn, core.clock), core.redis, core.config.queuePrefix, d.audit);
  const hours = new TeamHours(core.models.Team, calendars);
  return { calendars, hours, module: { name: 'calendars', routes: (api) => [calendarRoutes(api, calendars)] } };
}
