import mongoose, { Types } from 'mongoose';
import { CustomerMessageBatcher } from '../../../../src/modules/tickets/message-batcher';
import { messageModel } from '../../../../src/modules/tickets/message.model';
import { TicketStore } from '../../../../src/modules/tickets/ticket.store';

// The batcher's two stages (issue #23): a batch's store round trips run while the batch before it
// runs its observers, but never for a ticket whose observers are still running (its read must see
// what they wrote, and its messages are observed in order). The store here records the order of
// the round trips; the observers wait for the test to let them go.
const Message = messageModel(mongoose.createConnection(), { now: () => new Date() });
const ids = new Map<number, Types.ObjectId>();
const idOf = (n: number) => ids.get(n) ?? ids.set(n, new Types.ObjectId()).get(n)!;

function setup() {
  const log: string[] = [];
  const gates = new Map<string, () => void>();
  const held = new Set<string>();
  const Ticket = {
    collection: {
      find: (filter: { number: { $in: number[] } }) => ({
        toArray: async () => {
          log.push(`read ${filter.number.$in.join(',')}`);
          return filter.number.$in.map((n) => ({ _id: idOf(n), number: n, status: 'open', customerId: new Types.ObjectId(), messageCount: 0 }));
        },
      }),
      bulkWrite: async () => undefined,
    },
    hydrate: (x: unknown) => x,
  };
  const MessageStub = {
    insertMany: async (docs: { body: string }[]) => {
      log.push(`insert ${docs.map((d) => d.body).join(',')}`);
    },
  };
  const events = {
    messageAdded: async (ticket: unknown, message: { body: string }) => {
      log.push(`observe ${message.body}`);
      held.add(message.body);
      await new Promise<void>((r) => gates.set(message.body, r));
      held.delete(message.body);
      log.push(`observed ${message.body}`);
      return ticket;
    },
  };
  const batcher = new CustomerMessageBatcher({
    Ticket: Ticket as never,
    Message: MessageStub as never,
    store: new TicketStore({ Message } as never) as never,
    events: events as never,
    timeline: {} as never,
    clock: { now: () => new Date() } as never,
    log: { error: () => undefined } as never,
  });
  const send = (n: number, body: string) => batcher.receive(n, { channel: 'chat', body, dedupeKey: `k:${body}` }, { type: 'customer', name: 'V' });
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
    expect(cond()).toBe(true);
  };
  const release = async (body: string) => {
    await until(() => held.has(body));
    gates.get(body)!();
  };
  return { log, send, until, release, held };
}

describe('CustomerMessageBatcher pipeline', () => {
  it("stores the next batch while the one before runs its observers, except a ticket whose observers still run", async () => {
    const { log, send, until, release, held } = setup();
    const a1 = send(1, 'a1');
    await until(() => held.has('a1')); // a1 stored, its observers running
    const b1 = send(2, 'b1');
    const a2 = send(1, 'a2');
    // b1 (another ticket) is stored meanwhile; a2 waits for a1's observers
    await until(() => log.includes('insert b1'));
    expect(log).not.toContain('insert a2');
    expect(log).not.toContain('observe b1'); // one batch's observers at a time
    await release('a1');
    await a1;
    // then b1's observers; a2 is read after a1's observers finished
    await release('b1');
    await release('a2');
    await Promise.all([b1, a2]);
    expect(log).toEqual(['read 1', 'insert a1', 'observe a1', 'read 2', 'insert b1', 'observed a1', 'observe b1', 'read 1', 'insert a2', 'observed b1', 'observe a2', 'observed a2']);
  });

  it('keeps the order of a ticket\'s messages left waiting, and answers each once its observers ran', async () => {
    const { log, send, release, until, held } = setup();
    const first = send(1, 'x0');
    await until(() => held.has('x0'));
    const rest = ['x1', 'x2', 'x3'].map((b) => send(1, b));
    const other = send(2, 'y0');
    await until(() => log.includes('insert y0'));
    for (const b of ['x0', 'y0', 'x1', 'x2', 'x3']) await release(b);
    await Promise.all([first, ...rest, other]);
    expect(log.filter((l) => l.startsWith('observe ')).map((l) => l.slice(8))).toEqual(['x0', 'y0', 'x1', 'x2', 'x3']);
    expect(log.filter((l) => l.startsWith('insert '))).toEqual(['insert x0', 'insert y0', 'insert x1,x2,x3']);
  });
});
