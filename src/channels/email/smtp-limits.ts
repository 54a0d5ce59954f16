import fs from 'node:fs';
import path from 'node:path';
import type { RedisClient } from '../../infra/redis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { redisLimiter } from '../../infra/rate-limit';

export interface SmtpLimitOptions {
  /** open connections one address may hold on this node */
  maxConnectionsPerIp: number;
  /** messages one address may start per hour, across all API nodes (Redis) */
  messagesPerIpPerHour: number;
  /** bytes the raw inbound mail may take on disk; past it, and when the disk itself runs short, 452 */
  diskQuotaBytes: number;
  /** a message may be this large: that much must still fit */
  maxMessageBytes: number;
}

/** An SMTP refusal; the code is what smtp-server answers. */
export class SmtpRefusal extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** How often the size of the inbound directory is measured again (between measurements this node adds what it wrote). */
const MEASURE_EVERY_MS = 30_000;

/**
 * The SMTP intake's limits besides the global client cap: connections per address, a message rate
 * per address, and a disk budget for the raw mail kept under DATA_DIR/mail/inbound. Everything over
 * a limit is a 4xx, so a legitimate sender's MTA retries later and nothing is lost.
 */
export class SmtpLimits {
  private readonly open = new Map<string, number>();
  private readonly counted = new Set<string>();
  private readonly rate: RateLimiterRedis;
  private measured: { at: number; bytes: number } | null = null;
  private measuring: Promise<number> | null = null;

  constructor(
    private readonly opts: SmtpLimitOptions,
    redis: RedisClient,
    keyPrefix: string,
    private readonly inboundDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.rate = redisLimiter(redis, keyPrefix, 'smtp-messages', opts.messagesPerIpPerHour, 3600);
  }

  /** A new connection from `ip` (session `id`): refused with 421 over the per-address limit. */
  connect(id: string, ip: string): SmtpRefusal | null {
    const n = this.open.get(ip) ?? 0;
    if (n >= this.opts.maxConnectionsPerIp) return new SmtpRefusal(421, `4.7.0 Too many connections from ${ip}; try again later`);
    this.open.set(ip, n + 1);
    this.counted.add(id);
    return null;
  }

  /** A connection closed (also one that connect() refused: those were never counted). */
  disconnect(id: string, ip: string): void {
    if (!this.counted.delete(id)) return;
    const n = (this.open.get(ip) ?? 1) - 1;
    if (n > 0) this.open.set(ip, n);
    else this.open.delete(ip);
  }

  /** MAIL FROM: a rate per address (451 over it), then room on disk for one more message (452). */
  async mailFrom(ip: string): Promise<SmtpRefusal | null> {
    try {
      await this.rate.consume(ip);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      return new SmtpRefusal(451, `4.7.1 Too many messages from ${ip}; try again in ${Math.ceil(err.msBeforeNext / 1000)} s`);
    }
    if (await this.storageFull()) return new SmtpRefusal(452, '4.3.1 Insufficient system storage; try again later');
    return null;
  }

  /** This node stored a message of `bytes`: counted until the next measurement. */
  stored(bytes: number): void {
    if (this.measured) this.measured.bytes += bytes;
  }

  /** Whether one more message of the largest size would pass the quota, or the disk has less than that left. */
  async storageFull(): Promise<boolean> {
    const used = await this.usedBytes();
    if (used + this.opts.maxMessageBytes > this.opts.diskQuotaBytes) return true;
    const fsStat = await fs.promises.statfs(this.inboundDir).catch(() => null);
    return fsStat ? fsStat.bavail * fsStat.bsize < this.opts.maxMessageBytes * 2 : false;
  }

  private async usedBytes(): Promise<number> {
    if (this.measured && this.now() - this.measured.at < MEASURE_EVERY_MS) return this.measured.bytes;
    this.measuring ??= directorySize(this.inboundDir).then(
      (bytes) => {
        this.measured = { at: this.now(), bytes };
        this.measuring = null;
        return bytes;
      },
      (err) => {
        this.measuring = null;
        throw err;
      },
    );
    return this.measuring;
  }
}

/** Bytes of the files directly in `dir` (the inbound store is flat: <sha256>.eml). */
async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const name of await fs.promises.readdir(dir)) {
    const st = await fs.promises.stat(path.join(dir, name)).catch(() => null);
    if (st?.isFile()) total += st.size;
  }
  return total;
}
