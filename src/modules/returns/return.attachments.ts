import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import type { MailStore } from '../../channels/email/mail-store';
import { AppError, ConflictError, NotFoundError, PayloadTooLargeError } from '../../errors';
import type { Clock } from '../../infra/clock';
import type { Principal } from '../auth/principal';
import { assertWork } from './return.access';
import type { ReturnEffects } from './return.effects';
import type { ReturnAttachment, ReturnDoc, ReturnModels } from './return.model';
import type { ReturnService } from './return.service';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS = 20;
/** photos of the returned unit and scanned documents (receipts, courier slips) */
const ALLOWED_TYPES = /^(image\/(jpeg|png|webp|gif|heic|heif)|application\/pdf)$/;

export interface ReturnAttachmentsDeps {
  models: ReturnModels;
  returns: ReturnService;
  effects: ReturnEffects;
  /** the same content-addressed storage as mail attachments (DATA_DIR/attachments) */
  store: MailStore;
  clock: Clock;
}

async function* capped(source: AsyncIterable<Buffer | string>, max: number): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > max) throw new PayloadTooLargeError(`An attachment may have at most ${max} bytes`);
    yield buf;
  }
}

/**
 * Inspection photos and documents of a return: stored like mail attachments, downloadable only by
 * those who may read the return, added only by its working team while it is open.
 */
export class ReturnAttachments {
  constructor(private readonly d: ReturnAttachmentsDeps) {}

  async add(id: string, principal: Principal, body: AsyncIterable<Buffer | string>, meta: { filename: string; contentType: string; length: number | null }): Promise<{ ret: ReturnDoc; attachment: ReturnAttachment }> {
    const r = await this.d.returns.visible(id, principal);
    assertWork(r, principal);
    if (r.status === 'closed') throw new ConflictError('This return is closed', 'return_closed');
    const contentType = meta.contentType.split(';')[0].trim().toLowerCase();
    if (!ALLOWED_TYPES.test(contentType)) throw new AppError(415, 'unsupported_media_type', 'Send a photo (JPEG, PNG, WebP, GIF, HEIC) or a PDF as the body, with its Content-Type');
    if (meta.length === null) throw new AppError(411, 'length_required', 'Send the file with a Content-Length');
    if (meta.length > MAX_ATTACHMENT_BYTES) throw new PayloadTooLargeError(`An attachment may have at most ${MAX_ATTACHMENT_BYTES} bytes`);
    if (meta.length === 0) throw new AppError(422, 'empty_attachment', 'The file is empty');
    if (r.attachments.length >= MAX_ATTACHMENTS) throw new ConflictError(`A return keeps at most ${MAX_ATTACHMENTS} attachments`, 'too_many_attachments');
    const blob = await this.d.store.writeAttachment(Readable.from(capped(body, MAX_ATTACHMENT_BYTES)));
    const attachment: ReturnAttachment = {
      id: crypto.randomBytes(12).toString('hex'),
      filename: meta.filename,
      contentType,
      size: blob.size,
      hash: blob.hash,
      by: { id: principal.id, name: principal.name },
      at: this.d.clock.now(),
    };
    const updated = await this.d.models.Return.findOneAndUpdate(
      { _id: r._id, status: { $ne: 'closed' }, [`attachments.${MAX_ATTACHMENTS - 1}`]: { $exists: false } },
      { $push: { attachments: attachment } },
      { new: true },
    );
    if (!updated) throw new ConflictError('The return was closed or is full meanwhile', 'return_closed');
    this.d.effects.announce(updated);
    return { ret: updated, attachment };
  }

  async file(id: string, attachmentId: string, principal: Principal): Promise<{ file: string; attachment: ReturnAttachment }> {
    const r = await this.d.returns.visible(id, principal);
    const attachment = r.attachments.find((a) => a.id === attachmentId);
    if (!attachment) throw new NotFoundError('Attachment');
    return { file: this.d.store.attachmentFile(attachment.hash), attachment };
  }
}
