import { Connection, HydratedDocument, InferSchemaType, Model, Schema } from 'mongoose';
import type { Clock } from '../../infra/clock';
import { modelOnce } from '../../infra/mongo';

/**
 * A file an agent or a website visitor uploaded, before and after a message refers to it. Its `_id`
 * is the attachment id on the message, so a download finds it by key. The bytes are in the
 * content-addressed attachment store (`hash`), shared with mail attachments.
 */
const uploadSchema = (clock: Clock) =>
  new Schema(
    {
      /** `agent:<id>` or `visitor:<id>`: only the uploader may attach it to a message */
      owner: { type: String, required: true },
      /** an agent's upload belongs to the ticket it was made on; a visitor's to the chat it lands in */
      ticketNumber: { type: Number, default: null },
      hash: { type: String, required: true },
      filename: { type: String, required: true },
      contentType: { type: String, required: true },
      size: { type: Number, required: true },
      /** the message that carries it; null until sent (unsent uploads are not downloadable) */
      messageId: { type: Schema.Types.ObjectId, default: null },
      createdAt: { type: Date, default: () => clock.now() },
    },
    { versionKey: false },
  );

export type UploadFields = InferSchemaType<ReturnType<typeof uploadSchema>>;
export type UploadDoc = HydratedDocument<UploadFields>;
export type UploadModel = Model<UploadFields>;

export function uploadModel(conn: Connection, clock: Clock): UploadModel {
  return modelOnce<UploadModel>(conn, 'Upload', () => uploadSchema(clock));
}
