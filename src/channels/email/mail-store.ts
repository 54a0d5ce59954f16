import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

export class MailTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`message exceeds fixed maximum message size ${limit}`);
  }
}

/** How a raw mail came (its envelope), kept beside it for the sweeper: a job lost with Redis loses it otherwise. */
export interface StoredEnvelope {
  via: string;
  rcpt: string[];
  mailFrom: string | null;
  team?: string;
}

/** at most this many envelope recipients are kept beside a mail (SMTP's limit per mail is far lower) */
const MAX_KEPT_RCPT = 100;

export interface StoredBlob {
  hash: string;
  size: number;
  file: string;
}

/**
 * Content-addressed files under DATA_DIR: raw inbound mail (`mail/inbound/<sha256>.eml`) and
 * attachments (`attachments/<sha256>`). A file appears under its final name only once it is
 * complete, so a reader never sees half a mail and the same content is kept once.
 */
export class MailStore {
  readonly inboundDir: string;
  readonly attachmentDir: string;
  private readonly tmpDir: string;

  constructor(dataDir: string) {
    this.inboundDir = path.join(dataDir, 'mail', 'inbound');
    this.attachmentDir = path.join(dataDir, 'attachments');
    this.tmpDir = path.join(dataDir, 'mail', 'tmp');
    for (const d of [this.inboundDir, this.attachmentDir, this.tmpDir]) fs.mkdirSync(d, { recursive: true });
  }

  inboundFile(hash: string): string {
    if (!/^[a-f0-9]{64}$/.test(hash)) throw new Error('not a sha256');
    return path.join(this.inboundDir, `${hash}.eml`);
  }

  attachmentFile(hash: string): string {
    if (!/^[a-f0-9]{64}$/.test(hash)) throw new Error('not a sha256');
    return path.join(this.attachmentDir, hash);
  }

  /**
   * Writes a raw mail and fsyncs file and directory before resolving: the caller answers "accepted"
   * only after this, so a crash afterwards loses nothing. Over `limit` bytes the rest of the
   * stream is drained (the client is still sending) and MailTooLargeError thrown.
   */
  async writeInbound(source: Readable, limit: number, envelope?: StoredEnvelope): Promise<StoredBlob> {
    const blob = await this.writeStream(source, limit, true);
    // the envelope first, so that the directory's fsync in place() makes both durable (ordered data)
    if (envelope) await this.writeEnvelope(blob.hash, envelope);
    await this.place(blob, this.inboundFile(blob.hash), true);
    return { ...blob, file: this.inboundFile(blob.hash) };
  }

  envelopeFile(hash: string): string {
    return this.inboundFile(hash).replace(/\.eml$/, '.envelope.json');
  }

  /** Keeps the first envelope a content came with (the same content again is the same job: deduplicated). */
  private async writeEnvelope(hash: string, e: StoredEnvelope): Promise<void> {
    const kept: StoredEnvelope = { via: e.via, rcpt: e.rcpt.slice(0, MAX_KEPT_RCPT), mailFrom: e.mailFrom, ...(e.team ? { team: e.team } : {}) };
    await fs.promises.writeFile(this.envelopeFile(hash), JSON.stringify(kept), { flag: 'wx', mode: 0o600 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }

  /** The envelope kept beside a raw mail, or null (stored before envelopes were kept, unreadable, or not of this shape). */
  async readEnvelope(hash: string): Promise<StoredEnvelope | null> {
    try {
      const e = JSON.parse(await fs.promises.readFile(this.envelopeFile(hash), 'utf8')) as Partial<StoredEnvelope>;
      const ok = typeof e.via === 'string' && Array.isArray(e.rcpt) && e.rcpt.every((r) => typeof r === 'string') && (e.mailFrom === null || typeof e.mailFrom === 'string') && (e.team === undefined || typeof e.team === 'string');
      return ok ? (e as StoredEnvelope) : null;
    } catch {
      return null;
    }
  }

  /**
   * Deletes raw inbound mails last written before `before` (their messages and attachments are
   * stored by then; the raw copy is only kept for re-processing and audits). Returns how many.
   */
  async pruneInbound(before: Date): Promise<number> {
    let removed = 0;
    for (const name of await fs.promises.readdir(this.inboundDir)) {
      if (!name.endsWith('.eml')) continue;
      const file = path.join(this.inboundDir, name);
      const stat = await fs.promises.stat(file).catch(() => null);
      if (stat && stat.mtime < before) {
        await fs.promises.unlink(file).catch(() => undefined);
        if (/^[a-f0-9]{64}\.eml$/.test(name)) await fs.promises.unlink(this.envelopeFile(name.slice(0, 64))).catch(() => undefined);
        removed++;
      }
    }
    return removed;
  }

  /**
   * Attachments of mail are re-derivable from the raw mail, so they skip the fsync. An upload from
   * the console or the widget exists nowhere else: it is `durable` (fsynced before it is answered)
   * and passes its size `limit` (MailTooLargeError above it).
   */
  async writeAttachment(source: Readable, opts: { limit?: number; durable?: boolean } = {}): Promise<StoredBlob> {
    const durable = opts.durable ?? false;
    const blob = await this.writeStream(source, opts.limit ?? Number.MAX_SAFE_INTEGER, durable);
    await this.place(blob, this.attachmentFile(blob.hash), durable);
    return { ...blob, file: this.attachmentFile(blob.hash) };
  }

  private async writeStream(source: Readable, limit: number, durable: boolean): Promise<StoredBlob> {
    const tmp = path.join(this.tmpDir, `${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
    const fh = await fs.promises.open(tmp, 'w', 0o600);
    const hash = crypto.createHash('sha256');
    let size = 0;
    let tooLarge = false;
    try {
      for await (const chunk of source) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        size += buf.length;
        if (size > limit) tooLarge = true;
        if (tooLarge) continue;
        hash.update(buf);
        await fh.write(buf);
      }
      if (durable && !tooLarge) await fh.sync();
    } catch (err) {
      await fh.close().catch(() => undefined);
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
    await fh.close();
    if (tooLarge) {
      await fs.promises.rm(tmp, { force: true });
      throw new MailTooLargeError(limit);
    }
    return { hash: hash.digest('hex'), size, file: tmp };
  }

  /** Moves the finished temporary file to its content name; the same content already there wins. */
  private async place(blob: StoredBlob, target: string, durable: boolean): Promise<void> {
    try {
      await fs.promises.access(target);
      await fs.promises.rm(blob.file, { force: true });
      return;
    } catch {
      // not there yet
    }
    await fs.promises.rename(blob.file, target);
    if (durable) {
      const dir = await fs.promises.open(path.dirname(target), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    }
  }
}
