import crypto from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { RateLimiterRedis } from 'rate-limiter-flexible';
import { AppError, StoreUnavailableError, UnauthorizedError } from '../../errors';
import { redisLimiter, take } from '../../infra/rate-limit';
import { scanKeys, type RedisClient } from '../../infra/redis';
import { rooms } from '../../realtime/realtime';
import type { AgentModel } from '../agents/agent.model';
import type { Role } from '../../core/types';
import { Principal } from './principal';
import { SessionAgents } from './session-agents';

const SESSION_TTL_SEC = 12 * 3600;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** Wrong passwords allowed per account from one address, per window: the 6th attempt waits. */
export const LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS = 5;
/** Attempts of any account allowed from one address per window (successful ones are given back). */
export const LOGIN_ATTEMPTS_PER_ADDRESS = 30;
const LOGIN_WINDOW_SEC = 15 * 60;

/**
 * Login with opaque bearer tokens kept in Redis (revocable at once, shared by every API process).
 * Attempts are limited in Redis too, and paid for before the password is checked: one atomic
 * consume per attempt, so N concurrent guesses get exactly the budget's worth of Argon2 checks.
 * The budget is per account *and address* (someone guessing elsewhere cannot lock the real user
 * out) and per address (one address cannot try many accounts). An unknown or deactivated account
 * costs a real Argon2 check too, so timing does not tell which accounts exist.
 */
export class AuthService {
  private readonly perAccountAddress: RateLimiterRedis;
  private readonly perAddress: RateLimiterRedis;
  private dummyHash: Promise<string> | null = null;
  private readonly agents: SessionAgents;

  constructor(
    private readonly Agent: AgentModel,
    private readonly redis: RedisClient,
    private readonly prefix: string,
    /** closes the live sockets of a revoked session or agent, on every API node */
    private readonly sockets: { disconnectAgents(room: string): void } = { disconnectAgents: () => undefined },
  ) {
    this.perAccountAddress = redisLimiter(redis, prefix, 'login-account-address', LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS, LOGIN_WINDOW_SEC);
    this.perAddress = redisLimiter(redis, prefix, 'login-address', LOGIN_ATTEMPTS_PER_ADDRESS, LOGIN_WINDOW_SEC);
    this.agents = new SessionAgents(Agent, redis, prefix);
  }

  /** Every API node re-reads its agents at their next request: called after any agent write is saved. */
  agentsChanged(): Promise<void> {
    return this.agents.changed();
  }

  async login(email: string, password: string, address: string): Promise<{ token: string; agent: ReturnType<Principal['toJSON']> }> {
    const account = email.trim().toLowerCase();
    const pair = `${account}|${address}`;
    // Paid first, in one atomic step each; the address's point first so a blocked address costs nothing more.
    await take(this.perAddress, address, TOO_MANY);
    await take(this.perAccountAddress, pair, TOO_MANY).catch(async (err) => {
      await this.perAddress.reward(address, 1).catch(() => undefined);
      throw err;
    });
    const agent = await this.Agent.findOne({ email: account, active: true }).select('+passwordHash');
    const ok = await verify(agent ? agent.passwordHash : await this.dummy(), password).catch(() => false);
    if (!agent || !ok) throw new UnauthorizedError('Wrong email or password');
    await Promise.all([this.perAccountAddress.delete(pair), this.perAddress.reward(address, 1)]);
    const token = crypto.randomBytes(32).toString('base64url');
    await this.redis.set(this.key(token), String(agent._id), 'EX', SESSION_TTL_SEC);
    const principal = this.toPrincipal(agent, tokenHash(token));
    return { token, agent: principal.toJSON() };
  }

  /** A hash no password matches, verified for unknown accounts so that they take as long as known ones. */
  private dummy(): Promise<string> {
    this.dummyHash ??= hash(crypto.randomBytes(32).toString('base64url'));
    return this.dummyHash;
  }

  /** Revokes this session: its token stops working, and its sockets close. */
  async logout(principal: Principal): Promise<void> {
    await this.redis.del(`${this.prefix}:session:${principal.tokenHash}`);
    this.sockets.disconnectAgents(rooms.session(principal.tokenHash));
  }

  /** Revokes every session of an agent (deactivation, password change), and closes their sockets. */
  async revokeAll(agentId: string): Promise<void> {
    for await (const keys of scanKeys(this.redis, `${this.prefix}:session:*`)) {
      for (const key of keys) if ((await this.redis.get(key)) === agentId) await this.redis.del(key);
    }
    this.sockets.disconnectAgents(rooms.agent(agentId));
  }

  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new UnauthorizedError();
    const key = this.key(token);
    // the session read and its expiry slid in one command, the agents' version beside it (one write
    // to Redis, auto-pipelined); the agent itself from this process's copy unless that is older
    const [agentId, version] = await storeCall(Promise.all([this.redis.getex(key, 'EX', SESSION_TTL_SEC), this.agents.version()]));
    if (!agentId) throw new UnauthorizedError('Session expired or revoked; sign in again');
    const agent = await storeCall(this.agents.get(agentId, version));
    // `active` defaults to true: a record stored without it is an active one
    if (!agent || agent.active === false) throw new UnauthorizedError('Account deactivated');
    return this.toPrincipal(agent, tokenHash(token));
  }

  private toPrincipal(agent: { _id: unknown; name: string; email: string; role: string; teams: string[]; locale: string }, hashValue: string): Principal {
    return new Principal(String(agent._id), agent.name, agent.email, agent.role as Role, [...agent.teams], agent.locale, hashValue);
  }

  private key(token: string): string {
    return `${this.prefix}:session:${tokenHash(token)}`;
  }
}

/**
 * A store that fails or times out during the session check is a 503 (try again), never a 401: a
 * client told its session is revoked signs the agent out.
 */
async function storeCall<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new StoreUnavailableError();
  }
}

function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

const TOO_MANY = 'Too many sign-in attempts; try again later';

export function bearerToken(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1];
}
