import type { Model } from 'mongoose';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = Model<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Op = Parameters<AnyModel['bulkWrite']>[0][number];

/**
 * Group commit of single-document writes to one collection (issue #23): callers that write while
 * a batch is in flight (or within the same turn of the event loop) share one `bulkWrite`, each
 * answered once its own write is acknowledged, with its own error. Alone, a write costs what it
 * cost before (one round trip, a turn later); under load the round trips per write fall with the
 * concurrency, which is what a single-threaded store (mongo-java-server) needs. Nothing is
 * acknowledged before it is stored: this is batching, not write-behind.
 */
export class GroupCommit {
  private queue: { op: Op; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private running = false;

  /**
   * `prepared`: the operations carry documents already cast and validated (insertDoc), sent with the
   * driver's bulkWrite as they are; otherwise mongoose's bulkWrite casts each operation again.
   */
  constructor(
    private readonly model: AnyModel,
    private readonly max = 500,
    private readonly opts: { prepared?: boolean } = {},
  ) {}

  /** One write, batched with the others of the moment; rejects with this write's own error (E11000 included). */
  write(op: Op): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  insert(doc: Record<string, unknown>): Promise<void> {
    return this.write({ insertOne: { document: doc } });
  }

  updateOne(filter: Record<string, unknown>, update: Record<string, unknown>, opts: { upsert?: boolean } = {}): Promise<void> {
    return this.write({ updateOne: { filter, update, upsert: !!opts.upsert } });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.max);
      const errors = await bulkWriteEach(this.model, batch.map((b) => b.op), this.opts);
      batch.forEach((b, i) => (errors[i] ? b.reject(errors[i]) : b.resolve()));
    }
    this.running = false;
  }
}

/** An unordered bulkWrite; answers each operation's error (null when it was applied). */
export async function bulkWriteEach(model: AnyModel, ops: Op[], opts: { prepared?: boolean } = {}): Promise<(Error | null)[]> {
  const errors: (Error | null)[] = ops.map(() => null);
  try {
    if (opts.prepared) await model.collection.bulkWrite(ops as never, { ordered: false });
    else await model.bulkWrite(ops, { ordered: false, throwOnValidationError: true });
  } catch (err) {
    const writeErrors = (err as { writeErrors?: { index: number; code?: number; errmsg?: string }[] }).writeErrors;
    if (!writeErrors?.length) return ops.map(() => err as Error);
    for (const w of writeErrors) errors[w.index] = Object.assign(new Error(w.errmsg ?? 'write failed'), { code: w.code });
  }
  return errors;
}
