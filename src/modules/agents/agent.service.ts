import crypto from 'node:crypto';
import { Types } from 'mongoose';
import { SYSTEM, type Actor } from '../../core/types';
import { ConflictError, NotFoundError, ValidationError } from '../../errors';
import type { ConfigAuditLog } from '../audit/config-audit';
import type { Clock } from '../../infra/clock';
import { hashPassword } from '../auth/auth.service';
import { hasRole, ROLE_SETS, type Role } from '../../core/types';
import type { AgentDoc, AgentModel, Presence } from './agent.model';

export interface AgentInput {
  name: string;
  email: string;
  /** absent: an invited agent, who sets a password from the invitation mail */
  password?: string;
  role: Role;
  teams: string[];
  locale?: 'en' | 'zh-CN';
  chatCapacity?: number;
  phone?: string | null;
}

export class AgentService {
  constructor(
    private readonly Agent: AgentModel,
    private readonly teams: { exists(key: string): Promise<boolean> },
    private readonly clock: Clock,
    /** 'revoked': sessions end (deactivated, new password); 'access': teams or role changed, live sockets must re-join */
    private readonly onAccessChange: (agentId: string, what: 'revoked' | 'access') => Promise<void>,
    private readonly audit: Pick<ConfigAuditLog, 'record'>,
    /** after every saved change of an agent: the session checks of every node re-read it */
    private readonly agentsChanged: () => Promise<void> = async () => undefined,
  ) {}

  list(filter: { team?: string; includeInactive?: boolean } = {}): Promise<AgentDoc[]> {
    const q: Record<string, unknown> = {};
    if (!filter.includeInactive) q.active = true;
    if (filter.team) q.teams = filter.team;
    return this.Agent.find(q).sort({ name: 1 });
  }

  async get(id: string): Promise<AgentDoc> {
    if (!Types.ObjectId.isValid(id)) throw new NotFoundError('Agent');
    const a = await this.Agent.findById(id);
    if (!a) throw new NotFoundError('Agent');
    return a;
  }

  /** An agent who may be given work of `team`: active, and working in it (or seeing every team); else 400. */
  async assignable(id: string, team: string): Promise<AgentDoc> {
    const a = Types.ObjectId.isValid(id) ? await this.Agent.findById(id) : null;
    if (!a || !a.active) throw new ValidationError('No such active agent');
    if (!a.teams.includes(team) && !hasRole(a.role, ROLE_SETS.allTeams)) throw new ValidationError(`${a.name} does not work in team ${team}`);
    return a;
  }

  /** Agents to tell about a team's events by role: the supervisors leading it, or the managers. */
  async byRole(roles: Role[], team?: string): Promise<AgentDoc[]> {
    const q: Record<string, unknown> = { role: { $in: roles }, active: true };
    if (team) q.teams = team;
    return this.Agent.find(q);
  }

  async create(input: AgentInput, actor: Actor = SYSTEM): Promise<AgentDoc> {
    await this.checkTeams(input.teams);
    const { password, ...fields } = input;
    let a: AgentDoc;
    try {
      // an invited agent gets a random password nobody knows until the invitation link sets one
      a = await this.Agent.create({ ...fields, email: input.email.toLowerCase(), passwordHash: await hashPassword(password ?? crypto.randomBytes(32).toString('base64url')) });
    } catch (err) {
      if ((err as { code?: number }).code === 11000) throw new ConflictError(`An agent with ${input.email} exists`, 'duplicate', [{ path: 'email', message: 'an agent with this email exists', code: 'duplicate' }]);
      throw err;
    }
    await this.agentsChanged();
    await this.audit.record(actor, { entity: 'agent', key: String(a._id), action: 'created', after: auditView(a) });
    return a;
  }

  async update(id: string, patch: Partial<AgentInput> & { active?: boolean }, actor: Actor = SYSTEM): Promise<AgentDoc> {
    const a = await this.get(id);
    if (patch.teams) await this.checkTeams(patch.teams);
    const before = auditView(a);
    const { password, ...rest } = patch;
    Object.assign(a, rest);
    if (password) a.set('passwordHash', await hashPassword(password));
    await a.save();
    await this.agentsChanged(); // before the sockets are closed: they reconnect into what the agent may see now
    if (patch.active === false || password) await this.onAccessChange(id, 'revoked');
    else if (patch.teams || patch.role) await this.onAccessChange(id, 'access');
    const action = patch.active === false && before.active ? 'deactivated' : patch.active === true && !before.active ? 'reactivated' : 'updated';
    await this.audit.record(actor, { entity: 'agent', key: id, action, before, after: { ...auditView(a), ...(password ? { password: 'changed' } : {}) } });
    return a;
  }

  /** The agent's own choices (the language of the console and of the mails they get). */
  async updateOwn(id: string, patch: { locale?: 'en' | 'zh-CN'; name?: string }): Promise<AgentDoc> {
    const a = await this.get(id);
    Object.assign(a, patch);
    await a.save();
    await this.agentsChanged();
    return a;
  }

  async setPresence(id: string, status: Presence): Promise<AgentDoc | null> {
    const changed = await this.Agent.findOneAndUpdate({ _id: id, 'presence.status': { $ne: status } }, { $set: { presence: { status, since: this.clock.now() } } }, { new: true });
    if (changed) for (const fn of this.presenceObservers) await fn(changed);
    return changed;
  }

  /** Called after an agent's presence really changed (routing offers chats, dashboards update). */
  observePresence(fn: (agent: AgentDoc) => Promise<void>): void {
    this.presenceObservers.push(fn);
  }
  private readonly presenceObservers: ((agent: AgentDoc) => Promise<void>)[] = [];

  private async checkTeams(teams: string[]): Promise<void> {
    const unknown: { path: string; message: string; code: string }[] = [];
    for (const [i, t] of teams.entries()) if (!(await this.teams.exists(t))) unknown.push({ path: `teams.${i}`, message: `unknown team ${t}`, code: 'unknown_team' });
    if (unknown.length) throw new ValidationError(`Unknown team ${teams.find((t, i) => unknown.some((u) => u.path === `teams.${i}`))}`, unknown);
  }
}

/** What the settings audit keeps of an agent: never the password hash. */
function auditView(a: AgentDoc) {
  return { name: a.name, email: a.email, role: a.role, teams: [...a.teams], locale: a.locale, chatCapacity: a.chatCapacity, phone: a.phone ?? null, active: a.active };
}

export function serializeAgent(a: AgentDoc) {
  return {
    id: String(a._id),
    name: a.name,
    email: a.email,
    role: a.role,
    teams: a.teams,
    locale: a.locale,
    phone: a.phone ?? null,
    chatCapacity: a.chatCapacity,
    presence: { status: a.presence?.status ?? 'offline', since: a.presence?.since ?? null },
    active: a.active,
  };
}
