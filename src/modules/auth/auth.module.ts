import type { AppModule } from '../app-module';
import type { AgentService } from '../agents/agent.service';
import { authRoutes } from './auth.routes';
import type { AuthService } from './auth.service';

/** Sign-in and sign-out, and the signed-in agent's own settings. */
export function authModule(d: { auth: AuthService; agents: Pick<AgentService, 'updateOwn'> }): AppModule {
  return { name: 'auth', routes: (api) => [authRoutes(api, d.auth, d.agents)] };
}
