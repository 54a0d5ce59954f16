import crypto from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { scanKeys, type RedisClient } from '../../infra/redis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRequestsError, UnauthorizedError } from '../../errors';
import type { AgentModel } from '../agents/agent.model';
import type { Role } from '../../core/types';
import { Principal } from './principal';

const SESSION_TTL_SEC = 12 * 3600;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/**
 * Login with opaque bearer tokens kept in Redis (revocable at once, shared by every API process),
 * and login attempts limited per account and per address, also in Redis.
 */
export class AuthService {
  private readonly perAccount: RateLimiterRedis;
  private readonly perAddress: RateLimiterRedis;

  constructor(
    private readonly Agent: AgentModel,
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    this.perAccount = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:login:acct`, points: 5, duration: 15 * 60, useRedisPackage: false });
    this.perAddress = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:login:addr`, points: 30, duration: 15 * 60, useRedisPackage: false });
  }

  async login(email: string, password: string, address: string): Promise<{ token: string; agent: ReturnType<Principal['toJSON']> }> {
    const account = email.trim().toLowerCase();
    await Promise.all([this.check(this.perAccount, account), this.check(this.perAddress, address)]);
    const agent = await this.Agent.findOne({ email: account, active: true }).select('+passwordHash');
    const ok = agent ? await verify(agent.passwordHash, password).catch(() => false) : false;
    if (!agent || !ok) {
      await Promise.all([this.consume(this.perAccount, account), this.consume(this.perAddress, address)]);
      throw new UnauthorizedError('Wrong email or password');
    }
    await this.perAccount.delete(account);
    const token = crypto.randomBytes(32).toString('base64url');
    await this.redis.set(this.key(token), String(agent._id), 'EX', SESSION_TTL_SEC);
    const principal = this.toPrincipal(agent, tokenHash(token));
    return { token, agent: principal.toJSON() };
  }

  async logout(principal: Principal): Promise<void> {
    await this.redis.del(`${this.prefix}:session:${principal.tokenHash}`);
  }

  /** Revokes every session of an agent (deactivation, password change). */
  async revokeAll(agentId: string): Promise<void> {
    for await (const keys of scanKeys(this.redis, `${this.prefix}:session:*`)) {
      for (const key of keys) if ((await this.redis.get(key)) === agentId) await this.redis.del(key);
    }
  }

  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw new UnauthorizedError();
    const key = this.key(token);
    const agentId = await this.redis.get(key);
    if (!agentId) throw new UnauthorizedError('Session expired or revoked; sign in again');
    const agent = await this.Agent.findById(agentId);
    if (!agent || !agent.active) throw new UnauthorizedError('Account deactivated');
    void this.redis.expire(key, SESSION_TTL_SEC); // sliding expiry
    return this.toPrincipal(agent, tokenHash(token));
  }

  private toPrincipal(agent: { _id: unknown; name: string; email: string; role: string; teams: string[]; locale: string }, hashValue: string): Principal {
    return new Principal(String(agent._id), agent.name, agent.email, agent.role as Role, [...agent.teams], agent.locale, hashValue);
  }

  private key(token: string): string {
    return `${this.prefix}:session:${tokenHash(token)}`;
  }

  private async check(limiter: RateLimiterRedis, key: string): Promise<void> {
    const res = await limiter.get(key);
    if (res && res.consumedPoints >= limiter.points) throw tooMany(res);
  }

  private async consume(limiter: RateLimiterRedis, key: string): Promise<void> {
    await limiter.consume(key).catch((res: unknown) => {
      if (res instanceof RateLimiterRes) return; // already over: the next attempt is refused by check()
      throw res;
    });
  }
}

function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

function tooMany(res: RateLimiterRes): TooManyRequestsError {
  const retry = Math.ceil(res.msBeforeNext / 1000);
  return new TooManyRequestsError(`Too many failed sign-in attempts; try again in ${retry} s`, retry);
}

export function bearerToken(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(\S+)$/i);
  return m?.[1];
}
