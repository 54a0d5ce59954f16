import crypto from 'node:crypto';
import { Types, type Connection } from 'mongoose';
import { Redis } from 'ioredis';
import { createModels } from '../../src/core/models';
import { MovableClock } from '../../src/infra/clock';
import { connectMongo } from '../../src/infra/mongo';
import { createLogger } from '../../src/logger';
import { KbIndex } from '../../src/modules/kb/kb.index';
import { kbModels } from '../../src/modules/kb/kb.model';
import { Analyzer } from '../../src/modules/search/analyzer';
import { TicketSearchIndex } from '../../src/modules/search/ticket-index';
import type { MessageDoc } from '../../src/modules/tickets/message.model';
import type { TicketDoc } from '../../src/modules/tickets/ticket.model';
import { startRedis, type StoreHandle } from '../../scripts/lib/embedded-stores';
import { storeUrls } from '../helpers/harness';

/** The hash tag of a key, as Redis Cluster reads it: the text between the first `{` and the next `}`, if not empty. */
function hashTag(key: string): string | null {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : null;
}

interface Seen {
  source: string;
  args: string[];
}

/**
 * Redis Cluster runs a script on the node of its declared keys and refuses keys of several slots:
 * every key the search scripts touch must be passed in KEYS, all under the one hash-tagged prefix
 * (`{aftercare}`). MONITOR shows each command a script runs (source `lua`) right after the script
 * itself, and Redis names the keys of each command (COMMAND GETKEYS), so the test sees exactly
 * which keys were touched and whether they were declared.
 */
describe('the search index keeps to what Redis Cluster allows', () => {
  const tag = `t${crypto.randomBytes(4).toString('hex')}`;
  const prefix = `{${tag}}`;
  const analyzer = new Analyzer();
  const log = createLogger('silent');
  const clock = new MovableClock();
  let redis: Redis;
  let monitor: Redis;
  let own: StoreHandle;
  let conn: Connection;
  const seen: Seen[] = [];

  beforeAll(async () => {
    const urls = storeUrls(`t_${tag}`);
    // a Redis of its own: MONITOR on the suite-wide one also streams every other file's commands,
    // and under that flood ioredis can take a monitor line for the MONITOR command's own reply
    // ("Command queue state error")
    own = await startRedis();
    redis = new Redis(own.url);
    monitor = await redis.monitor();
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      const cmd = String(args[0]).toLowerCase();
      if (source === 'lua' || cmd === 'eval' || cmd === 'evalsha' || (cmd === 'echo' && String(args[1]).startsWith(tag))) seen.push({ source, args: args.map(String) });
    });
    conn = await connectMongo(urls.mongo);
  });
  afterAll(async () => {
    monitor?.disconnect();
    redis?.disconnect();
    await conn?.close();
    await own?.stop();
  });

  /** Everything MONITOR reported up to now: an ECHO of a fresh word is the last line to wait for. */
  async function flushed(): Promise<Seen[]> {
    const word = `${tag}-${crypto.randomBytes(4).toString('hex')}`;
    const arrived = new Promise<void>((resolve) => {
      const on = (_t: string, args: string[]) => {
        if (String(args[0]).toLowerCase() === 'echo' && args[1] === word) {
          monitor.off('monitor', on);
          resolve();
        }
      };
      monitor.on('monitor', on);
    });
    await redis.echo(word);
    await arrived;
    return seen.splice(0);
  }

  /** For each command a script ran on one of our keys: the keys it touched that the script did not declare. */
  async function undeclared(lines: Seen[]): Promise<{ scripts: number; commands: number; undeclared: string[]; declaredTags: Set<string | null> }> {
    let declared: string[] = [];
    let scripts = 0;
    let commands = 0;
    const missing: string[] = [];
    const tags = new Set<string | null>();
    for (const l of lines) {
      if (l.source !== 'lua') {
        const cmd = l.args[0].toLowerCase();
        if (cmd !== 'eval' && cmd !== 'evalsha') continue;
        const n = Number(l.args[2]);
        declared = l.args.slice(3, 3 + n);
        if (declared.some((k) => k.includes(prefix))) {
          scripts++;
          for (const k of declared) tags.add(hashTag(k));
        }
        continue;
      }
      const keys = (await redis.call('COMMAND', 'GETKEYS', ...l.args).catch(() => [])) as string[];
      const ours = keys.filter((k) => k.includes(prefix));
      if (!ours.length) continue;
      commands++;
      for (const k of ours) if (!declared.includes(k)) missing.push(`${l.args[0]} ${k}`);
    }
    return { scripts, commands, undeclared: missing, declaredTags: tags };
  }

  const ticket = (over: Partial<Record<'number' | 'team' | 'subject', unknown>> = {}) =>
    ({ _id: new Types.ObjectId(), number: 1, team: 'support', subject: '空调不制冷', product: { model: 'AC-3500' }, tags: ['E4'], ...over }) as unknown as TicketDoc;
  const message = (body: string, internal = false) => ({ _id: new Types.ObjectId(), kind: 'message', automatic: false, internal, body, fullBody: null }) as unknown as MessageDoc;

  it('declares every key of the ticket index scripts, all in the prefix slot', async () => {
    const index = new TicketSearchIndex(redis, prefix, analyzer, log);
    await flushed();
    const t = ticket();
    await index.created(t, message('客户说空调开机后出风不凉，显示E4'));
    await index.messageAdded(t, message('已安排工程师上门检查冷媒', true));
    await index.changed(ticket({ subject: '空调外机噪音大' }), { subject: ['空调不制冷', '空调外机噪音大'] });
    await index.changed(ticket({ team: 'tech', subject: '空调外机噪音大' }), { team: ['support', 'tech'] });
    expect(await index.search({ q: '空调噪音', teams: ['support', 'tech'], limit: 10, internal: true })).toEqual([1]);
    expect(await index.search({ q: '冷媒 工程师', teams: ['tech'], limit: 10, internal: true })).toEqual([1]);
    const { Ticket, Message } = createModels(conn, clock);
    await index.rebuild(Ticket, Message);

    const r = await undeclared(await flushed());
    expect(r.scripts).toBeGreaterThanOrEqual(6);
    expect(r.commands).toBeGreaterThan(20);
    expect(r.undeclared).toEqual([]);
    expect([...r.declaredTags]).toEqual([tag]);
  });

  it('declares every key of the knowledge base scripts, all in the prefix slot', async () => {
    const { Article } = kbModels(conn, clock);
    const index = new KbIndex(redis, prefix, analyzer, Article, log);
    await flushed();
    const id = new Types.ObjectId();
    const article = (over: Record<string, unknown>) =>
      ({ _id: id, locale: 'zh-CN', status: 'published', visibility: 'public', title: '空调制冷效果差的排查方法', body: '清洗滤网，检查室外机。', tags: ['cooling'], models: ['AC-3500'], category: 'troubleshooting', updatedAt: clock.now(), ...over }) as never;
    await index.put(article({}));
    expect((await index.search('空调不制冷怎么办', { audience: 'public', locales: ['zh-CN'], limit: 3 })).hits.map((h) => h.id)).toEqual([String(id)]);
    await index.put(article({ visibility: 'internal', title: '内部：冷媒泄漏检测' }));
    expect((await index.search('空调不制冷', { audience: 'public', locales: ['zh-CN'], limit: 3 })).hits).toEqual([]);
    expect((await index.search('冷媒泄漏', { audience: 'agents', locales: ['zh-CN', 'en'], limit: 3 })).hits.map((h) => h.id)).toEqual([String(id)]);
    await index.put(article({ status: 'draft' }));
    await index.rebuild();

    const r = await undeclared(await flushed());
    expect(r.scripts).toBeGreaterThanOrEqual(6);
    expect(r.commands).toBeGreaterThan(20);
    expect(r.undeclared).toEqual([]);
    expect([...r.declaredTags]).toEqual([tag]);
  });

  it('files words written while a ticket moves under the team it moved to', async () => {
    const index = new TicketSearchIndex(redis, prefix, analyzer, log);
    const t = ticket({ number: 2, subject: 'Dishwasher question' });
    await index.created(t, null);
    // messages indexed with the ticket as read before the move race the move: each script sees the
    // document as the others left it, or answers "retry" and is called again with what Redis holds
    const words = ['spray', 'filter', 'pump', 'heater', 'basket', 'salt', 'rinse', 'hose'];
    await Promise.all([
      ...words.map((w) => index.messageAdded(t, message(`check the ${w}`))),
      index.changed(ticket({ number: 2, team: 'returns', subject: 'Dishwasher question' }), { team: ['support', 'returns'] }),
    ]);
    for (const w of words) {
      expect(await index.search({ q: w, teams: ['returns'], limit: 10, internal: false })).toEqual([2]);
      expect(await index.search({ q: w, teams: ['support'], limit: 10, internal: false })).toEqual([]);
    }
  });
});
