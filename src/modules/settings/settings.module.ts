import type { AppModule } from '../app-module';
import type { ConfigAuditLog } from '../audit/config-audit';
import { settingsRoutes } from './settings.routes';

/** The settings audit trail's API (the settings themselves live with their domains). */
export function settingsModule(d: { audit: ConfigAuditLog }): AppModule {
  return { name: 'settings', routes: (api) => [settingsRoutes(api, d.audit)] };
}
