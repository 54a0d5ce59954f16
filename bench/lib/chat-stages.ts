/**
 * Where a chat message's time goes between the visitor's send and the agent's receipt (bench/chat.ts
 * with STAGES=1). The bench runs the app in its own process, so it can note the moment each bench
 * message passes a point of the app's path, by wrapping the methods of that point:
 *   sent      the client's send (the client's clock; same machine, Date.now())
 *   handled   ChatService.send begins: the socket's frame read and parsed, the three limits taken
 *   queued    CustomerMessageBatcher.receive: the visitor's chat read from Redis, the message queued
 *   batch     the batch's store round trips begin (the wait before: the batch before it, whose
 *             observers a batch's store round trips overlap; message-batcher.ts)
 *   stored    the batch's messages inserted and their tickets written
 *   published the live observer hands the agents' `message:new` to Redis (the other observers ran)
 *   delivered the agent's socket receives it (the client's clock)
 * Each batch's size and its write's duration too. The wrappers cost a few map writes per message:
 * CPU figures are taken without them (STAGES unset), as the other rows of BENCHMARKS.md are.
 */
import { ChatService } from '../../src/channels/chat/chat.service';
import { CustomerMessageBatcher } from '../../src/modules/tickets/message-batcher';
import { Realtime } from '../../src/realtime/realtime';

type Stage = 'handled' | 'queued' | 'batchStart' | 'stored' | 'published';
const STAGES: Stage[] = ['handled', 'queued', 'batchStart', 'stored', 'published'];

/** `bench <n>` of a message body, or null for the warm-up and everything else. */
const benchNo = (body: unknown): number | null => {
  const m = typeof body === 'string' ? /^bench (\d+)$/.exec(body) : null;
  return m ? Number(m[1]) : null;
};

export class ChatStages {
  private readonly at = new Map<Stage, Map<number, number>>(STAGES.map((s) => [s, new Map()]));
  private readonly batches: { size: number; ms: number }[] = [];
  private on = false;

  /** Wraps the app's methods (once per process); nothing is noted until `start`. */
  install(): this {
    const self = this;
    const note = (stage: Stage, n: number | null, t = Date.now()) => {
      if (self.on && n !== null && !self.at.get(stage)!.has(n)) self.at.get(stage)!.set(n, t);
    };
    const send = ChatService.prototype.send;
    ChatService.prototype.send = function (this: ChatService, ...args: Parameters<ChatService['send']>) {
      note('handled', benchNo(args[1]?.body));
      return send.apply(this, args);
    };
    const receive = CustomerMessageBatcher.prototype.receive;
    CustomerMessageBatcher.prototype.receive = function (this: CustomerMessageBatcher, ...args: Parameters<CustomerMessageBatcher['receive']>) {
      note('queued', benchNo(args[1]?.body));
      return receive.apply(this, args);
    };
    type Pending = { input: { body: string } };
    const proto = CustomerMessageBatcher.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const store = proto.store;
    proto.store = async function (this: unknown, batch: unknown) {
      const t0 = Date.now();
      for (const p of batch as Pending[]) note('batchStart', benchNo(p.input.body), t0);
      const observe = (await store.call(this, batch)) as () => Promise<void>;
      return async () => {
        try {
          return await observe();
        } finally {
          if (self.on) self.batches.push({ size: (batch as Pending[]).length, ms: Date.now() - t0 });
        }
      };
    };
    const touch = proto.touchTickets;
    proto.touchTickets = async function (this: unknown, stored: unknown, now: unknown) {
      const r = await touch.call(this, stored, now);
      const t = Date.now();
      for (const s of stored as { doc: { body: string } }[]) note('stored', benchNo(s.doc.body), t);
      return r;
    };
    const toTeam = Realtime.prototype.toTeam;
    Realtime.prototype.toTeam = function (this: Realtime, ...args: Parameters<Realtime['toTeam']>) {
      if (args[1] === 'message:new') note('published', benchNo((args[2] as { message?: { body?: string } }).message?.body));
      return toTeam.apply(this, args);
    };
    return this;
  }

  start(): void {
    this.on = true;
  }

  stop(): void {
    this.on = false;
  }

  /** Lines for the report: per stage p50 / p99 / max ms, from the client's send and receipt times (`[n, sentAt, deliveredAt]`). */
  report(client: [number, number, number][]): string[] {
    const spans: [string, (n: number, sent: number, got: number) => number | undefined][] = [
      ['send → handled (socket, parse, limits)', (n, sent) => this.t('handled', n) - sent],
      ['handled → queued (chat state)', (n) => this.t('queued', n) - this.t('handled', n)],
      ['queued → batch began (the batch before)', (n) => this.t('batchStart', n) - this.t('queued', n)],
      ['batch began → stored (read, insert, update)', (n) => this.t('stored', n) - this.t('batchStart', n)],
      ['stored → published (observers, after the batch before)', (n) => this.t('published', n) - this.t('stored', n)],
      ['published → agent (Redis, adapter, socket)', (n, _s, got) => got - this.t('published', n)],
    ];
    const lines = spans.map(([name, f]) => {
      const v = client.map(([n, s, g]) => f(n, s, g)).filter((x): x is number => x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
      return `    ${name.padEnd(46)} p50 ${pct(v, 0.5)}  p99 ${pct(v, 0.99)}  max ${v[v.length - 1] ?? '-'} ms  (${v.length})`;
    });
    const sizes = this.batches.map((b) => b.size).sort((a, b) => a - b);
    const ms = this.batches.map((b) => b.ms).sort((a, b) => a - b);
    const mean = sizes.reduce((a, b) => a + b, 0) / (sizes.length || 1);
    lines.push(`    batches: ${sizes.length}, size mean ${mean.toFixed(0)} p50 ${pct(sizes, 0.5)} max ${sizes[sizes.length - 1] ?? '-'}; read → observers done p50 ${pct(ms, 0.5)} p99 ${pct(ms, 0.99)} max ${ms[ms.length - 1] ?? '-'} ms`);
    return lines;
  }

  private t(stage: Stage, n: number): number {
    return this.at.get(stage)!.get(n) ?? NaN;
  }
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] : '-');
