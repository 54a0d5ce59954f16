import { Readable } from 'node:stream';
import { Types } from 'mongoose';
import { AppError, ConflictError, PayloadTooLargeError, ValidationError } from '../../errors';
import type { AttachmentRef } from '../tickets/ticket.store';
import type { UploadDoc, UploadModel } from './attachment.model';
import { acceptedKinds, cleanFilename, contentFits, mediaType, type UploadPolicy } from './attachment.types';

/** The content-addressed file store of attachments (the mail store's attachment half). */
export interface BlobStore {
  writeAttachment(source: Readable, opts?: { limit?: number; durable?: boolean }): Promise<{ hash: string; size: number }>;
  attachmentFile(hash: string): string;
}

const HEAD_BYTES = 4096;
/** A message carries at most this many uploads. */
export const MAX_ATTACHMENTS = 10;

export interface UploadInput {
  source: Readable;
  filename?: string;
  contentType?: string;
  /** Content-Length, when the client sent one: refused before reading when it is too large */
  declaredLength?: number;
  owner: string;
  ticketNumber: number | null;
  policy: UploadPolicy;
}

export function serializeUpload(u: UploadDoc) {
  return { id: String(u._id), filename: u.filename, contentType: u.contentType, size: u.size };
}

/**
 * Uploads from the console's composer and the chat widget: type and size checked (413 and 415 with
 * the JSON error shape), the first bytes checked against the declared type, the bytes stored once
 * by content like mail attachments, then referred to by one message of the uploader's.
 */
export class AttachmentService {
  constructor(
    private readonly Upload: UploadModel,
    private readonly blobs: BlobStore,
    /** ATTACHMENT_MAX_BYTES */
    private readonly maxBytes: number,
  ) {}

  async upload(input: UploadInput): Promise<UploadDoc> {
    const type = mediaType(input.contentType);
    const kinds = acceptedKinds(input.policy);
    const kind = kinds.find((k) => k.type === type);
    if (!kind) {
      drain(input.source);
      throw new AppError(415, 'unsupported_media_type', `Files of type ${type || 'unknown'} cannot be attached`, { accepted: kinds.map((k) => k.type) });
    }
    if (input.declaredLength !== undefined && input.declaredLength > this.maxBytes) {
      drain(input.source);
      throw tooLarge(this.maxBytes);
    }
    const it = input.source[Symbol.asyncIterator]();
    const chunks: Buffer[] = [];
    let read = 0;
    let done = false;
    while (read < HEAD_BYTES) {
      const next = await it.next();
      if (next.done) {
        done = true;
        break;
      }
      const buf = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as string);
      chunks.push(buf);
      read += buf.length;
    }
    const head = Buffer.concat(chunks);
    if (!head.length) throw new ValidationError('The file is empty', [{ path: 'body', message: 'empty file', code: 'empty_file' }]);
    if (!contentFits(kind, head.subarray(0, HEAD_BYTES))) {
      if (!done) drain(input.source);
      throw new AppError(415, 'content_mismatch', `The file's content is not ${type}`, { declared: type });
    }
    const rest = async function* () {
      yield head;
      if (done) return;
      for (let n = await it.next(); !n.done; n = await it.next()) yield n.value as Buffer;
    };
    let blob: { hash: string; size: number };
    try {
      blob = await this.blobs.writeAttachment(Readable.from(rest()), { limit: this.maxBytes, durable: true });
    } catch (err) {
      if ((err as Error).name === 'MailTooLargeError' || /maximum message size/.test((err as Error).message)) throw tooLarge(this.maxBytes);
      throw err;
    }
    return this.Upload.create({ owner: input.owner, ticketNumber: input.ticketNumber, hash: blob.hash, filename: cleanFilename(input.filename, kind), contentType: kind.type, size: blob.size });
  }

  /**
   * The uploads a new message carries, as the message's attachment references. Each must be the
   * author's own (`owner`), unsent, and for an agent made on this ticket; a visitor's lands on
   * whatever chat its message lands on.
   */
  async claim(ids: string[], owner: string, ticketNumber: number | null): Promise<AttachmentRef[]> {
    if (!ids.length) return [];
    if (ids.length > MAX_ATTACHMENTS) throw new ValidationError(`At most ${MAX_ATTACHMENTS} attachments per message`, [{ path: 'attachments', message: `at most ${MAX_ATTACHMENTS}`, code: 'too_many' }]);
    const valid = ids.filter((id) => Types.ObjectId.isValid(id));
    const uploads = await this.Upload.find({ _id: { $in: valid.map((id) => new Types.ObjectId(id)) } });
    const byId = new Map(uploads.map((u) => [String(u._id), u]));
    const refs: AttachmentRef[] = [];
    for (const [i, id] of ids.entries()) {
      const u = byId.get(id);
      if (!u || u.owner !== owner || (ticketNumber !== null && u.ticketNumber !== null && u.ticketNumber !== ticketNumber)) {
        throw new ValidationError('Unknown attachment', [{ path: `attachments.${i}`, message: 'no such upload of yours', code: 'unknown_attachment' }]);
      }
      if (u.messageId) throw new ConflictError('This upload was sent already; upload it again', 'attachment_used', [{ path: `attachments.${i}`, message: 'already sent', code: 'attachment_used' }]);
      refs.push({ id, filename: u.filename, contentType: u.contentType, size: u.size, hash: u.hash });
    }
    return refs;
  }

  /** After the message is stored: its uploads are sent (and downloadable through it). */
  async markSent(ids: string[], messageId: Types.ObjectId | string, ticketNumber: number): Promise<void> {
    if (!ids.length) return;
    await this.Upload.updateMany({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) }, messageId: null }, { $set: { messageId: new Types.ObjectId(String(messageId)), ticketNumber } });
  }

  get(id: string): Promise<UploadDoc | null> {
    return Types.ObjectId.isValid(id) ? this.Upload.findById(id) : Promise.resolve(null);
  }

  file(hash: string): string {
    return this.blobs.attachmentFile(hash);
  }
}

function tooLarge(max: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`A file may have at most ${Math.floor(max / 1024 / 1024)} MB`, { maxBytes: max });
}

/** Reads and drops the rest of a refused upload, so the client gets its answer instead of a reset connection. */
function drain(source: Readable): void {
  source.resume();
  source.on('error', () => undefined);
}
