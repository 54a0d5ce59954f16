import type { Connection } from 'mongoose';

/**
 * Round trips to MongoDB, as the driver's command monitoring sees them (the connection must be
 * made with `monitorCommands: true`, see connectMongo). The benches count a flow's round trips
 * with it, and the hot-path test fails a flow that reads by anything else than `_id` or a unique
 * key: mongo-java-server ignores non-unique indexes, so every other filter scans the collection
 * (MONGO-SUBSET.md), and on MongoDB it is an index read whose cost still grows with the data.
 */
export interface RecordedCommand {
  name: string;
  collection: string;
  /** the filters the command applies (a find's, each update's, a findAndModify's; an aggregate's first $match) */
  filters: Record<string, unknown>[];
  /** aggregate, count, distinct, or a find without a key filter: a scan whatever its limit */
  why: string | null;
}

/** Commands the driver sends for itself (handshakes, heartbeats, sessions), not the application's round trips. */
const OWN = new Set(['hello', 'ismaster', 'isMaster', 'ping', 'endSessions', 'saslStart', 'saslContinue', 'buildInfo', 'getMore', 'killCursors']);

type Key = string[];

/** The unique keys of every model of the connection, by collection: ['_id'] and each unique (compound) index. */
export function uniqueKeys(conn: Connection): Map<string, Key[]> {
  const out = new Map<string, Key[]>();
  for (const model of Object.values(conn.models)) {
    const keys: Key[] = [['_id']];
    for (const [fields, options] of model.schema.indexes()) {
      if ((options as { unique?: boolean }).unique) keys.push(Object.keys(fields));
    }
    out.set(model.collection.collectionName, keys);
  }
  return out;
}

/** Equality on a value (or `$eq`, or `$in` of a bounded list): what a unique index answers without a scan. */
function isEquality(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return true;
  const ops = Object.keys(v as object);
  if (!ops.length || !ops[0].startsWith('$')) return true; // an ObjectId, a Date, a sub-document
  return ops.every((op) => op === '$eq' || (op === '$in' && Array.isArray((v as { $in: unknown[] }).$in) && (v as { $in: unknown[] }).$in.length <= 1000));
}

/** Whether `filter` pins a unique key of the collection (other conditions beside it are checked on one document). */
export function byKey(filter: Record<string, unknown> | undefined, keys: Key[]): boolean {
  if (!filter) return false;
  const fields = filter.$and && Array.isArray(filter.$and) ? Object.assign({}, ...(filter.$and as object[]), filter) : filter;
  return keys.some((key) => key.every((f) => f in fields && isEquality(fields[f])));
}

function filtersOf(cmd: Record<string, any>): Record<string, unknown>[] {
  if (cmd.find !== undefined) return [cmd.filter ?? {}];
  if (cmd.findAndModify !== undefined) return [cmd.query ?? {}];
  if (cmd.update !== undefined) return (cmd.updates ?? []).map((u: { q?: object }) => u.q ?? {});
  if (cmd.delete !== undefined) return (cmd.deletes ?? []).map((u: { q?: object }) => u.q ?? {});
  if (cmd.count !== undefined) return [cmd.query ?? {}];
  if (cmd.distinct !== undefined) return [cmd.query ?? {}];
  if (cmd.aggregate !== undefined) return [(cmd.pipeline?.[0]?.$match as Record<string, unknown>) ?? {}];
  return [];
}

/** Records the application's commands on a connection made with `monitorCommands: true`. */
export class CommandRecorder {
  readonly commands: RecordedCommand[] = [];
  private readonly keys: Map<string, Key[]>;
  private readonly listener = (e: { commandName: string; command: Record<string, any> }) => this.record(e.commandName, e.command);
  private on = false;

  constructor(private readonly conn: Connection) {
    this.keys = uniqueKeys(conn);
  }

  start(): this {
    if (!this.on) this.conn.getClient().on('commandStarted', this.listener as never);
    this.on = true;
    return this;
  }

  stop(): void {
    this.conn.getClient().off('commandStarted', this.listener as never);
    this.on = false;
  }

  /** Forgets what was recorded so far (the next flow starts at zero). */
  reset(): void {
    this.commands.length = 0;
  }

  /** Commands that read (or write) by something else than `_id` or a unique key. */
  scans(): RecordedCommand[] {
    return this.commands.filter((c) => c.why);
  }

  /** "find tickets 3, insert messages 1, …": what a flow sent, for a bench's line or a failing test's message. */
  describe(): string {
    const counts = new Map<string, number>();
    for (const c of this.commands) counts.set(`${c.name} ${c.collection}`, (counts.get(`${c.name} ${c.collection}`) ?? 0) + 1);
    return [...counts].map(([k, n]) => `${k} ×${n}`).join(', ');
  }

  private record(name: string, cmd: Record<string, any>): void {
    if (OWN.has(name) || cmd.createIndexes !== undefined || cmd.listIndexes !== undefined) return;
    const collection = String(cmd[name] ?? '');
    const filters = filtersOf(cmd);
    const keys = this.keys.get(collection) ?? [['_id']];
    let why: string | null = null;
    if (name === 'aggregate' || name === 'count' || name === 'distinct') why = `${name} scans ${collection}`;
    else if (name !== 'insert') {
      const bad = filters.find((f) => !byKey(f, keys));
      if (bad) why = `${name} ${collection} by ${JSON.stringify(bad).slice(0, 200)} (not _id or a unique key: ${keys.map((k) => k.join('+')).join(', ')})`;
    }
    this.commands.push({ name, collection, filters, why });
  }
}
