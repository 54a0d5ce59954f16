import crypto from 'node:crypto';
import type { RedisClient } from '../../infra/redis';
import type { Actor, Locale } from '../../core/types';
import { AppError } from '../../errors';
import type { MailOutbox } from '../../mail/outbox';
import type { ConfigAuditLog } from '../audit/config-audit';
import { hashPassword } from '../auth/auth.service';
import type { AgentDoc, AgentModel } from './agent.model';

/** An invitation link works for three days, a reset link for one hour; each works once. */
const INVITE_TTL_SEC = 3 * 24 * 3600;
const RESET_TTL_SEC = 3600;

export type PasswordPurpose = 'invite' | 'reset';

export interface AgentInvitationsDeps {
  Agent: AgentModel;
  redis: RedisClient;
  prefix: string;
  outbox: Pick<MailOutbox, 'send'>;
  audit: Pick<ConfigAuditLog, 'record'>;
  /** PUBLIC_URL: the link in the mail opens the console's set-password form */
  publicUrl: string;
  /** ends every session of the agent (a new password signs out everywhere) */
  revokeAll: (agentId: string) => Promise<void>;
}

/**
 * Set-password links for invited agents and password resets. The link carries a random token; only
 * its SHA-256 is kept, in Redis with an expiry, so a leaked database or key dump gives no working
 * link, and the first use consumes it (GETDEL).
 */
export class AgentInvitations {
  constructor(private readonly d: AgentInvitationsDeps) {}

  private key(token: string): string {
    return `${this.d.prefix}:pwtoken:${crypto.createHash('sha256').update(token).digest('hex')}`;
  }

  /** Mails the agent a link to choose a password, in the agent's language. */
  async send(agent: AgentDoc, purpose: PasswordPurpose, actor: Actor): Promise<void> {
    const token = crypto.randomBytes(32).toString('base64url');
    const ttl = purpose === 'invite' ? INVITE_TTL_SEC : RESET_TTL_SEC;
    await this.d.redis.set(this.key(token), `${agent._id}:${purpose}`, 'EX', ttl);
    const locale: Locale = agent.locale === 'zh-CN' ? 'zh-CN' : 'en';
    await this.d.outbox.send(
      {
        to: agent.email,
        template: purpose === 'invite' ? 'agent-invite' : 'password-reset',
        locale,
        data: { name: agent.name, email: agent.email, by: actor.name, link: `${this.d.publicUrl}/console#/password/${token}`, hours: ttl / 3600 },
      },
      `pw-${purpose}-${agent._id}-${crypto.createHash('sha256').update(token).digest('hex').slice(0, 16)}`,
    );
    await this.d.audit.record(actor, { entity: 'agent', key: String(agent._id), action: purpose === 'invite' ? 'invited' : 'password_reset', after: { email: agent.email } });
  }

  /** What a link is for, without using it (the form greets the agent by name). */
  async peek(token: string): Promise<{ name: string; email: string; purpose: PasswordPurpose }> {
    const value = await this.d.redis.get(this.key(token));
    const agent = value ? await this.agentOf(value) : null;
    if (!agent || !value) throw expired();
    return { name: agent.name, email: agent.email, purpose: value.split(':')[1] as PasswordPurpose };
  }

  /** Sets the password of the link's agent and consumes the link; the agent's sessions end. */
  async setPassword(token: string, password: string): Promise<{ email: string }> {
    const value = await this.d.redis.getdel(this.key(token));
    const agent = value ? await this.agentOf(value) : null;
    if (!agent) throw expired();
    agent.set('passwordHash', await hashPassword(password));
    await agent.save();
    await this.d.revokeAll(String(agent._id));
    await this.d.audit.record({ type: 'agent', id: String(agent._id), name: agent.name }, { entity: 'agent', key: String(agent._id), action: 'updated', before: { password: 'old' }, after: { password: 'set' } });
    return { email: agent.email };
  }

  private async agentOf(value: string): Promise<AgentDoc | null> {
    const [id] = value.split(':');
    const agent = await this.d.Agent.findById(id).select('+passwordHash');
    return agent && agent.active ? agent : null;
  }
}

function expired(): AppError {
  return new AppError(410, 'link_expired', 'This link has expired or was used already; ask for a new one');
}
