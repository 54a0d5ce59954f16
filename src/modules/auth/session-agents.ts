import type { AgentModel } from '../agents/agent.model';
import crypto from 'node:crypto';
import { configVersionKey } from '../../infra/versioned-cache';
import type { RedisClient } from '../../infra/redis';

/** What the session check needs of an agent (never the password hash). */
export interface SessionAgent {
  _id: unknown;
  name: string;
  email: string;
  role: string;
  teams: string[];
  locale: string;
  active?: boolean;
}

/** Agents kept at most; past it the copy starts again (a department has hundreds, not thousands). */
const MAX_AGENTS = 5000;

/**
 * The agents behind sessions, kept per process (issue #23: every request read its agent from
 * MongoDB). Each copy carries the agents' version it was read at: every agent write (role, teams,
 * active, name, locale) bumps the version in Redis after saving, and the session check reads the
 * version beside the session itself (one auto-pipelined write to Redis), so a change made on one
 * API node holds on every node at the next request. Sessions ending (sign-out, password change,
 * deactivation) is the session key's deletion, which the check reads anyway.
 */
export class SessionAgents {
  private readonly copies = new Map<string, { version: string; agent: SessionAgent | null }>();
  private readonly loading = new Map<string, { version: string; promise: Promise<SessionAgent | null> }>();

  constructor(
    private readonly Agent: AgentModel,
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  get versionKey(): string {
    return configVersionKey(this.prefix, 'agents');
  }

  /** The version every copy is checked against; read beside the session. */
  version(): Promise<string | null> {
    return this.redis.get(this.versionKey);
  }

  /** The agent as of `version` (null: no such agent); read from MongoDB only when the copy is older. */
  async get(id: string, version: string | null): Promise<SessionAgent | null> {
    const v = version ?? '0';
    const copy = this.copies.get(id);
    if (copy && copy.version === v) return copy.agent;
    const pending = this.loading.get(id);
    if (pending && pending.version === v) return pending.promise;
    const promise = this.load(id, v);
    this.loading.set(id, { version: v, promise });
    try {
      return await promise;
    } finally {
      if (this.loading.get(id)?.promise === promise) this.loading.delete(id);
    }
  }

  private async load(id: string, version: string): Promise<SessionAgent | null> {
    const agent = (await this.Agent.findById(id, { name: 1, email: 1, role: 1, teams: 1, locale: 1, active: 1 }).lean()) as SessionAgent | null;
    if (this.copies.size >= MAX_AGENTS) this.copies.clear();
    this.copies.set(id, { version, agent });
    return agent;
  }

  /**
   * Every process re-reads its agents at their next request; called after an agent write is saved.
   * The version is a fresh random value, not a counter: a Redis that lost its data and counted
   * again from zero could otherwise meet the version of a stale copy.
   */
  async changed(): Promise<void> {
    this.copies.clear();
    await this.redis.set(this.versionKey, crypto.randomUUID());
  }
}
