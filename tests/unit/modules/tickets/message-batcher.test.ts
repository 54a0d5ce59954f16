import mongoose, { Types } from 'mongoose';
import { messageRecord } from '../../../../src/modules/tickets/message-batcher';
import { messageModel } from '../../../../src/modules/tickets/message.model';
import { TicketStore } from '../../../../src/modules/tickets/ticket.store';
import type { NewMessageInput } from '../../../../src/modules/tickets/ticket.store';

// The batcher stores chat messages as plain records (no mongoose document per message): what it
// stores must be what a document of the schema would have stored, defaults included.
const now = new Date('2026-03-01T10:00:00Z');
const Message = messageModel(mongoose.createConnection(), { now: () => now });
const store = new TicketStore({ Message } as never);
const ticket = { _id: new Types.ObjectId(), number: 42 };

function asDocument(fields: ReturnType<TicketStore['messageFields']>, id: Types.ObjectId, dedupeKey: string) {
  const doc = new Message({ ...fields, _id: id, dedupeKey: fields.dedupeKey ?? dedupeKey });
  doc.set({ createdAt: now, updatedAt: now });
  return doc.toObject();
}

describe('messageRecord', () => {
  const inputs: [string, NewMessageInput][] = [
    ['a chat message with a clientId', { channel: 'chat', body: 'my washer leaks', clientId: 'c1', dedupeKey: 'chat:v1:c1', delivery: 'received' }],
    ['a message without a dedupe key', { channel: 'chat', body: 'hello' }],
    ['a message with photos', { channel: 'chat', body: '', attachments: [{ id: 'a1', filename: 'leak.jpg', contentType: 'image/jpeg', size: 12, hash: 'h1' }], dedupeKey: 'chat:v1:c2' }],
    ['a timeline event', { channel: 'chat', kind: 'event', body: 'ended', event: { type: 'chat_ended', data: { at: 1 } } }],
  ];
  it.each(inputs)('stores %s as a document of the schema would', (_name, input) => {
    const fields = store.messageFields(ticket, input, { type: 'customer', id: 'cust1', name: 'Ann' });
    const record = messageRecord(fields, now);
    expect(record).toEqual(asDocument(fields, record._id, record.dedupeKey));
    expect(Message.hydrate(record).toObject()).toEqual(record);
  });

  it('gives each message a key of its own when the channel gives none', () => {
    const fields = store.messageFields(ticket, { channel: 'chat', body: 'x' }, { type: 'customer', name: 'Ann' });
    expect(messageRecord(fields, now).dedupeKey).not.toBe(messageRecord(fields, now).dedupeKey);
  });
});
