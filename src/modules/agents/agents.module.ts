import type { Core } from '../../core/core';
import type { AppModule } from '../app-module';
import type { ConfigAuditLog } from '../audit/config-audit';
import type { AuthService } from '../auth/auth.service';
import { AgentInvitations } from './agent.invite';
import { agentRoutes } from './agent.routes';
import type { AgentService } from './agent.service';

/** The department's agents: accounts, roles, teams, presence, invitations and password resets. */
export function agentsModule(core: Core, d: { agents: AgentService; auth: Pick<AuthService, 'revokeAll'>; audit: Pick<ConfigAuditLog, 'record'> }): AppModule {
  const invitations = new AgentInvitations({
    Agent: core.models.Agent,
    redis: core.redis,
    prefix: core.config.queuePrefix,
    outbox: core.outbox,
    audit: d.audit,
    publicUrl: core.config.publicUrl,
    revokeAll: (id) => d.auth.revokeAll(id),
  });
  return { name: 'agents', routes: (api) => [agentRoutes(api, d.agents, invitations)] };
}
