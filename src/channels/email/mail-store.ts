import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

export class MailTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`message exceeds fixed maximum message size ${limit}`);
  }
}

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
  async writeInbound(source: Readable, limit: number): Promise<StoredBlob> {
    const blob = await this.writeStream(source, limit, true);
    await this.place(blob, this.inboundFile(blob.hash), true);
    return { ...blob, file: this.inboundFile(blob.hash) };
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
