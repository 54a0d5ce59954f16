import type { Core } from '../../container';
import type { AppModule } from '../app-module';
import { cannedModel } from './canned.model';
import { cannedRoutes } from './canned.routes';

/** Canned responses for the console's composer. */
export function cannedModule(core: Core): AppModule {
  const Canned = cannedModel(core.conn);
  return { name: 'canned', routes: (api) => [cannedRoutes(api, Canned, core.teams)] };
}
