import { Types, type HydratedDocument, type Model } from 'mongoose';

type Waiter<D> = { resolve: (doc: D | null) => void; reject: (err: unknown) => void };

/**
 * Reads by `_id` of the same moment share one query (issue #23): what concurrent jobs and requests
 * ask for within a turn of the event loop (a mail's ticket, the acknowledgement's message, its
 * customer) is read with one `find({_id: {$in: [...]}})`, which uses the key on every store; alone,
 * a read is the same `findById` as before, a turn later. Each caller gets a document of its own
 * (the same id asked twice is two documents), read after every write it awaited: batching, not a cache.
 */
export class ByIdReader<T> {
  private pending = new Map<string, Waiter<HydratedDocument<T>>[]>();
  private scheduled = false;

  constructor(
    private readonly model: Model<T>,
    private readonly max = 200,
  ) {}

  get(id: string | Types.ObjectId): Promise<HydratedDocument<T> | null> {
    const key = String(id);
    // an id that is no ObjectId fails (or misses) as findById would, without failing the batch
    if (!Types.ObjectId.isValid(key)) return this.model.findById(id) as never;
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

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += this.max) {
      const part = ids.slice(i, i + this.max);
      try {
        const docs = part.length === 1 ? [await this.model.findById(part[0])] : await this.model.find({ _id: { $in: part } });
        const found = new Map(docs.filter((d): d is NonNullable<typeof d> => !!d).map((d) => [String(d._id), d as HydratedDocument<T>]));
        for (const id of part) {
          const doc = found.get(id) ?? null;
          batch.get(id)!.forEach((w, n) => w.resolve(doc && n > 0 ? (this.model.hydrate(doc.toObject({ depopulate: true })) as HydratedDocument<T>) : doc));
        }
      } catch (err) {
        for (const id of part) batch.get(id)!.forEach((w) => w.reject(err));
      }
    }
  }
}
