import crypto from 'node:crypto';
import type { RedisClient } from '../../infra/redis';
import type { Logger } from '../../logger';
import { AcceptMail, FetcherOptions, MailboxFetcher } from './imap.fetcher';
import type { MailboxService } from './imap.service';

const LOCK_MS = 30_000;
const RENEW_MS = 10_000;
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 5 * 60_000;

const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

interface Running {
  fetcher: MailboxFetcher | null;
  rev: number;
  failures: number;
  retryAt: number;
}

/**
 * Runs one fetcher per active mailbox across all worker processes: a mailbox is fetched by the
 * process holding its Redis lock (renewed while it runs; lost, the fetcher stops and another
 * process takes over). Settings changes restart the fetcher; errors retry with backoff.
 */
export class MailboxSupervisor {
  private readonly owner = crypto.randomBytes(8).toString('hex');
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private reconciling: Promise<void> | null = null;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly mailboxes: MailboxService,
    private readonly accept: AcceptMail,
    private readonly opts: FetcherOptions & { reconcileMs?: number },
    private readonly log: Logger,
  ) {}

  private lockKey(id: string): string {
    return `${this.prefix}:imap:lock:${id}`;
  }

  start(): void {
    const every = this.opts.reconcileMs ?? 2000;
    this.timer = setInterval(() => void this.reconcile(), every);
    this.timer.unref();
    this.renewTimer = setInterval(() => void this.renew(), RENEW_MS);
    this.renewTimer.unref();
    void this.reconcile();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.renewTimer) clearInterval(this.renewTimer);
    await this.reconciling?.catch(() => undefined);
    await Promise.all([...this.running.keys()].map((id) => this.release(id)));
  }

  /** Mailboxes this process is fetching now (for tests and logs). */
  holding(): string[] {
    return [...this.running.entries()].filter(([, r]) => r.fetcher).map(([id]) => id);
  }

  reconcile(): Promise<void> {
    this.reconciling ??= this.doReconcile()
      .catch((err: Error) => this.log.warn({ err: err.message }, 'mailbox reconcile failed'))
      .finally(() => (this.reconciling = null));
    return this.reconciling;
  }

  private async doReconcile(): Promise<void> {
    const active = await this.mailboxes.active();
    const ids = new Set(active.map((m) => m._id));
    for (const id of [...this.running.keys()]) if (!ids.has(id)) await this.release(id);
    for (const m of active) {
      const r = this.running.get(m._id);
      if (r?.fetcher && r.rev === m.rev) continue;
      if (r?.fetcher && r.rev !== m.rev) await this.release(m._id); // new settings: reconnect with them
      const state = this.running.get(m._id);
      if (state && Date.now() < state.retryAt) continue;
      const held = state ? (await this.redis.eval(RENEW, 1, this.lockKey(m._id), this.owner, LOCK_MS)) === 1 : false;
      if (!held && (await this.redis.set(this.lockKey(m._id), this.owner, 'PX', LOCK_MS, 'NX')) !== 'OK') continue;
      const fetcher = new MailboxFetcher(m, this.mailboxes, this.accept, this.opts, this.log);
      const entry: Running = { fetcher, rev: m.rev, failures: state?.failures ?? 0, retryAt: 0 };
      this.running.set(m._id, entry);
      try {
        await fetcher.start();
        entry.failures = 0;
      } catch {
        entry.failures++;
      }
      void fetcher.closed.then(() => {
        if (this.running.get(m._id) !== entry) return;
        // the connection ended: retry later with backoff (the lock stays ours meanwhile)
        entry.fetcher = null;
        entry.retryAt = Date.now() + Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(entry.failures, 10));
      });
    }
  }

  private async renew(): Promise<void> {
    for (const [id, r] of this.running) {
      const ok = await this.redis.eval(RENEW, 1, this.lockKey(id), this.owner, LOCK_MS).catch(() => 0);
      if (ok !== 1 && r.fetcher) {
        this.log.warn({ mailbox: id }, 'mailbox lock lost; stopping its fetcher');
        await r.fetcher.stop();
        this.running.delete(id);
      }
    }
  }

  private async release(id: string): Promise<void> {
    const r = this.running.get(id);
    this.running.delete(id);
    await r?.fetcher?.stop();
    await this.redis.eval(RELEASE, 1, this.lockKey(id), this.owner).catch(() => undefined);
  }
}
