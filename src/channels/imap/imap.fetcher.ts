import type { Readable } from 'node:stream';
import { ImapFlow } from 'imapflow';
import type { Logger } from '../../logger';
import { MailTooLargeError } from '../email/mail-store';
import type { MailboxFields } from './imap.model';
import type { MailboxService } from './imap.service';

/** How the fetcher hands a raw mail to the intake: durable on disk and its `mail-in` job queued when it resolves. */
export type AcceptMail = (source: Readable, team: string) => Promise<string>;

export interface FetcherOptions {
  clientName: string;
  clientVersion: string;
  maxBytes: number;
  /** a full re-check even when the server stays quiet (IDLE notices can be lost on a flaky link) */
  resyncMs?: number;
}

/**
 * One live connection to one mailbox: on connect it fetches every message after the checkpoint
 * (backfill after downtime; the last `backfillDays` on first contact or after a UIDVALIDITY
 * change), then waits in IDLE (or NOOP polling where IDLE is not offered) and fetches what arrives.
 * Each message is streamed to the raw-mail store and queued before the checkpoint moves past it.
 */
export class MailboxFetcher {
  private client: ImapFlow | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private resync: NodeJS.Timeout | null = null;
  readonly closed: Promise<void>;
  private markClosed!: () => void;

  constructor(
    private readonly mailbox: MailboxFields,
    private readonly mailboxes: MailboxService,
    private readonly accept: AcceptMail,
    private readonly opts: FetcherOptions,
    private readonly log: Logger,
  ) {
    this.closed = new Promise((r) => (this.markClosed = r));
  }

  get rev(): number {
    return this.mailbox.rev;
  }

  async start(): Promise<void> {
    const m = this.mailbox;
    await this.mailboxes.setState(m._id, 'connecting');
    const client = new ImapFlow({
      host: m.host,
      port: m.port,
      secure: m.secure,
      auth: { user: m.user, pass: this.mailboxes.password(m) },
      // RFC 2971 ID: 163/126 (NetEase) refuse to SELECT for clients that do not say who they are
      clientInfo: { name: this.opts.clientName, version: this.opts.clientVersion, vendor: 'Aftercare' },
      logger: false,
      connectionTimeout: 30_000,
      greetingTimeout: 15_000,
      socketTimeout: 5 * 60_000,
    });
    this.client = client;
    client.on('error', (err: Error) => this.log.warn({ mailbox: m._id, err: err.message }, 'imap error'));
    client.on('close', () => this.markClosed());
    client.on('exists', () => this.kick());
    try {
      await client.connect();
      await client.mailboxOpen(m.folder, { readOnly: true });
      await this.mailboxes.setState(m._id, 'connected');
      this.kick();
      await this.running;
    } catch (err) {
      await this.fail(err as Error);
      throw err;
    }
    this.resync = setInterval(() => this.kick(), this.opts.resyncMs ?? 5 * 60_000);
    this.resync.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.resync) clearInterval(this.resync);
    await this.running?.catch(() => undefined);
    const c = this.client;
    if (c?.usable) await c.logout().catch(() => c.close());
    else c?.close();
    this.markClosed();
  }

  /** Runs a sync now, or once more right after the running one (never two at once on one connection). */
  private kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sync()
      .catch((err: Error) => this.fail(err))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async fail(err: Error): Promise<void> {
    this.log.warn({ mailbox: this.mailbox._id, err: err.message }, 'mailbox fetch failed');
    await this.mailboxes.setState(this.mailbox._id, 'error', humanError(err)).catch(() => undefined);
    this.client?.close();
  }

  private async sync(): Promise<void> {
    const client = this.client!;
    const box = client.mailbox;
    if (!box) throw new Error(`folder ${this.mailbox.folder} is not open`);
    const current = (await this.mailboxes.get(this.mailbox._id)) ?? this.mailbox;
    const uidValidity = String(box.uidValidity);
    let after = current.lastUid;
    if (current.uidValidity !== uidValidity) {
      // first contact, or the folder was recreated: its UIDs mean nothing any more
      if (current.uidValidity) this.log.info({ mailbox: current._id, from: current.uidValidity, to: uidValidity }, 'UIDVALIDITY changed; fetching again from the backfill window');
      await this.mailboxes.resetCheckpoint(current._id, uidValidity);
      after = -1;
    }
    const range = after >= 0 ? { uid: `${after + 1}:*` } : { since: new Date(Date.now() - current.backfillDays * 86_400_000) };
    const found = await client.fetchAll(range, { uid: true, size: true }, { uid: true });
    const todo = found.filter((f) => f.uid > Math.max(after, 0)).sort((a, b) => a.uid - b.uid);
    for (const f of todo) {
      if (this.stopped) return;
      if ((f.size ?? 0) > this.opts.maxBytes) {
        this.log.warn({ mailbox: current._id, uid: f.uid, size: f.size }, 'message over MAIL_MAX_BYTES skipped');
        await this.mailboxes.setState(current._id, 'connected', `Message UID ${f.uid} (${f.size} bytes) is over the size limit and was skipped`);
      } else {
        const dl = await client.download(String(f.uid), undefined, { uid: true });
        if (dl.content) {
          try {
            await this.accept(dl.content, current.team);
          } catch (err) {
            if (!(err instanceof MailTooLargeError)) throw err;
            await this.mailboxes.setState(current._id, 'connected', `Message UID ${f.uid} is over the size limit and was skipped`);
          }
        }
      }
      // only now: the raw mail is on disk and its job queued
      await this.mailboxes.checkpoint(current._id, uidValidity, f.uid);
    }
    if (!todo.length) await this.mailboxes.checkpoint(current._id, uidValidity, 0);
  }
}

/** The part of an IMAP error a person can act on (the server's words when it gave some). */
function humanError(err: Error & { responseText?: string; authenticationFailed?: boolean; code?: string }): string {
  if (err.authenticationFailed) return `Login failed: ${err.responseText ?? 'wrong user or password'}`;
  if (err.code === 'ECONNREFUSED') return 'Connection refused (host or port wrong, or the server is down)';
  if (err.code === 'ENOTFOUND') return 'Unknown host';
  return err.responseText ? `${err.message}: ${err.responseText}` : err.message;
}
