import mongoose, { Types, type Model } from 'mongoose';
import { storedShape } from '../../../src/infra/insert-doc';
import { auditModel } from '../../../src/modules/audit/audit.model';
import { customerModels } from '../../../src/modules/customers/customer.model';
import { messageModel } from '../../../src/modules/tickets/message.model';
import { ticketModel } from '../../../src/modules/tickets/ticket.model';

/**
 * insertDoc builds the stored document from the model's static helpers instead of a hydrated
 * document (issue #23): what it stores must be what `new Model(fields)` + `save()` stores, and
 * what such a document refuses it must refuse.
 */
const NOW = new Date('2026-12-01T10:00:00Z');
const conn = mongoose.createConnection();
const clock = { now: () => NOW } as never;
const Ticket = ticketModel(conn, clock);
const Message = messageModel(conn, clock);
const Audit = auditModel(conn, clock) as unknown as Model<unknown>;
const { Customer, Contact } = customerModels(conn, clock);

/** what save() would send: the document's own stored shape */
function viaDocument(M: Model<unknown>, fields: Record<string, unknown>): Record<string, unknown> {
  const doc = new M(fields) as unknown as mongoose.Document & { initializeTimestamps?: () => void };
  doc.initializeTimestamps?.();
  if (doc.get('__v') == null) doc.set('__v', 0);
  const err = doc.validateSync();
  if (err) throw err;
  return doc.toObject({ transform: false, virtuals: false, getters: false, depopulate: true, flattenDecimals: false, useProjection: false, versionKey: true } as never) as Record<string, unknown>;
}

const plain = (o: unknown) => JSON.parse(JSON.stringify(o));
const same = (M: Model<unknown>, fields: () => Record<string, unknown>) => expect(plain(storedShape(M, fields()))).toEqual(plain(viaDocument(M, fields())));

const ids = { t: new Types.ObjectId(), c: new Types.ObjectId(), m: new Types.ObjectId() };

describe('storedShape (insertDoc)', () => {
  it('stores a new ticket as a document would, with its SLA, journal entry and nulls', () => {
    same(Ticket as never, () => ({
      _id: ids.t, createdAt: NOW, number: 7, subject: 'Washer', channel: 'voice', priority: 'high', type: 'inquiry', team: 'support', customerId: ids.c,
      tags: ['a'], product: {}, unitId: null, linkedFrom: null, visitorId: null, assigneeId: null, meta: {}, fields: { color: 'red' }, dedupeKey: 'k1',
      effects: [{ id: 'e1', event: 'created', changes: null, actor: { type: 'agent', id: 'a1', name: 'Ann' }, messageId: ids.m, pending: [], attempts: 0, nextAt: NOW }],
      messageCount: 1, lastMessageAt: NOW, lastMessageId: String(ids.m), preview: 'Hello',
      sla: { policyId: 'p1', policy: 'Standard', calendar: 'c1', rev: 1, nextCheckAt: NOW, firstResponse: { dueAt: NOW, status: 'active', targetMs: 3600000, elapsedMs: 0, startedAt: NOW, warnAt: NOW } },
    }));
  });

  it('stores a message, an audit entry, a customer and a contact as documents would', () => {
    same(Message as never, () => ({
      _id: ids.m, ticketId: ids.t, ticketNumber: 7, kind: 'message', author: { type: 'customer', id: null, name: 'Ann' }, body: 'Hi', fullBody: null, html: null,
      internal: false, automatic: false, channel: 'email', delivery: { status: 'received' }, dedupeKey: 'mail:1',
      mail: { messageId: '<a@b>', inReplyTo: null, references: ['<x@y>'], from: 'ann@example.com', to: ['support@demo.local'] },
      attachments: [{ id: 'f1', filename: 'a.pdf', contentType: 'application/pdf', size: 10, hash: 'h', inline: false }], event: undefined, clientId: null,
    }));
    same(Audit, () => ({ ticketId: ids.t, ticketNumber: 7, actor: { type: 'agent', id: 'a1', name: 'Ann' }, action: 'created', changes: { channel: 'voice', team: 'support' }, _id: ids.m }));
    same(Customer as never, () => ({ _id: ids.c, name: 'Ann', emails: ['ann@example.com'], phones: [], locale: 'en', teams: ['support'], recentTickets: [ids.t] }));
    same(Contact as never, () => ({ _id: 'email:ann@example.com', customerId: ids.c }));
  });

  it('casts what it is given, and fills the defaults a document would', () => {
    const m = storedShape(Message as never, { ticketId: String(ids.t), ticketNumber: '7', author: { type: 'agent', name: 'Bo' }, channel: 'email' });
    expect(m.ticketId).toBeInstanceOf(Types.ObjectId);
    expect(m.ticketNumber).toBe(7);
    expect(m).toMatchObject({ kind: 'message', body: '', internal: false, delivery: { status: 'none', attempts: 0 }, createdAt: NOW, updatedAt: NOW, __v: 0 });
    expect(String(m.dedupeKey)).toMatch(/^m:/);
    expect(m._id).toBeInstanceOf(Types.ObjectId);
  });

  it.each([
    ['a missing required path', { number: 1, channel: 'voice', team: 'support', customerId: ids.c }, 'subject'],
    ['a value outside an enum', { number: 1, subject: 'x', channel: 'fax', team: 'support', customerId: ids.c }, 'channel'],
    ['a string over its maxlength', { number: 1, subject: 'x'.repeat(501), channel: 'voice', team: 'support', customerId: ids.c }, 'subject'],
    ['a value that does not cast', { number: 'seven', subject: 'x', channel: 'voice', team: 'support', customerId: ids.c }, 'number'],
    ['a bad value in a journal entry', { number: 1, subject: 'x', channel: 'voice', team: 'support', customerId: ids.c, effects: [{ id: 'e', event: 'nope', nextAt: NOW }] }, 'effects.0.event'],
    ['a bad value in a nested subdocument', { number: 1, subject: 'x', channel: 'voice', team: 'support', customerId: ids.c, sla: { firstResponse: { status: 'late' } } }, 'sla.firstResponse.status'],
  ])('refuses %s, as a document would', (_what, fields, path) => {
    expect(() => viaDocument(Ticket as never, fields)).toThrow(mongoose.Error.ValidationError);
    let err: unknown = null;
    try {
      storedShape(Ticket as never, fields);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(mongoose.Error.ValidationError);
    expect(Object.keys((err as mongoose.Error.ValidationError).errors).join(' ')).toContain(path);
  });

  it('refuses a message without its author type', () => {
    expect(() => storedShape(Message as never, { ticketId: ids.t, ticketNumber: 1, author: { name: 'x' }, channel: 'email' })).toThrow(/author.type/);
  });
});
