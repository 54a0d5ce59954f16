import { Types, type HydratedDocument, type Model } from 'mongoose';

type Waiter<D> = { resolve: (doc: D | null) => void; reject: (err: unknown) => void };

/**
 * Reads by `_id` of the same moment share one query (issue #23): what concurrent jobs and requests
 * ask for within a turn of the event loop (a mail's ticket, the acknowledgement's message, its
 * customer, the contacts of new senders) is read with one `find({_id: {$in: [...]}})`, which uses
 * the key on every store; alone, a read is the same `findById` as before, a turn later. Read after
 * every write its caller awaited: batching, not a cache. Hydrated, each caller gets a document of
 * its own (the same id asked twice is two documents); `lean`, callers share the plain objects and
 * must not change them. `objectIds: false` for collections keyed by strings (contacts); `projection`:
 * only those fields are read.
 */
export class ByIdReader<T, D = HydratedDocument<T>> {
  private pending = new Map<string, Waiter<D>[]>();
  private scheduled = false;

  constructor(
    private readonly model: Model<T>,
    private readonly opts: { lean?: boolean; objectIds?: boolean; max?: number; projection?: Record<string, 0 | 1> } = {},
  ) {}

  get(id: string | Types.ObjectId): Promise<D | null> {
    const key = String(id);
    // an id that is no ObjectId fails (or misses) as findById would, without failing the batch
    if (this.opts.objectIds !== false && !Types.ObjectId.isValid(key)) return (this.opts.lean ? this.model.findById(id, this.opts.projection).lean() : this.model.findById(id, this.opts.projection)) as never;
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Several ids, answered in their order (null for a missing one). */
  many(ids: (string | Types.ObjectId)[]): Promise<(D | null)[]> {
    return Promise.all(ids.map((id) => this.get(id)));
  }

  private async read(ids: string[]): Promise<Map<string, unknown>> {
    const { model } = this;
    const q = ids.length === 1 ? model.find({ _id: ids[0] }, this.opts.projection) : model.find({ _id: { $in: ids } }, this.opts.projection);
    const docs = (this.opts.lean ? await q.lean() : await q) as { _id: unknown }[];
    return new Map(docs.map((d) => [String(d._id), d]));
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    const ids = [...batch.keys()];
    const max = this.opts.max ?? 200;
    for (let i = 0; i < ids.length; i += max) {
      const part = ids.slice(i, i + max);
      try {
        const found = await this.read(part);
        for (const id of part) {
          const doc = (found.get(id) ?? null) as (D & { toObject?(o: object): object }) | null;
          batch.get(id)!.forEach((w, n) => w.resolve(doc && n > 0 && !this.opts.lean ? (this.model.hydrate(doc.toObject!({ depopulate: true })) as D) : doc));
        }
      } catch (err) {
        for (const id of part) batch.get(id)!.forEach((w) => w.reject(err));
      }
    }
  }
}
