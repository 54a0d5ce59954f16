import type { AppModule } from '../app-module';
import { agentRoutes } from './agent.routes';
import type { AgentService } from './agent.service';

/** The department's agents: accounts, roles, teams, presence. */
export function agentsModule(agents: AgentService): AppModule {
  return { name: 'agents', routes: (api) => [agentRoutes(api, agents)] };
}
