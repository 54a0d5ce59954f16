import { Connection, Model, Schema } from 'mongoose';

const counterSchema = new Schema({ _id: String, seq: { type: Number, default: 0 } }, { versionKey: false });

export type CounterModel = Model<{ _id: string; seq: number }>;

export function counterModel(conn: Connection): CounterModel {
  return conn.model('Counter', counterSchema) as unknown as CounterModel;
}

/** The next value of a named counter: one atomic findOneAndUpdate with upsert, so concurrent callers never share a value. */
export async function nextSequence(Counter: CounterModel, name: string): Promise<number> {
  const doc = await Counter.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { upsert: true, new: true }).lean();
  return doc!.seq;
}

/**
 * Values of a named counter for callers that ask at the same time (a burst of new tickets): those
 * waiting while one increment is in flight share the next one, `$inc` by their number, and each
 * takes one value of the range it answers. As unique and gap-free as one increment per caller,
 * at one round trip per burst instead of one per caller.
 */
export class SequenceBatcher {
  private waiting: { resolve: (n: number) => void; reject: (err: unknown) => void }[] = [];
  private running = false;

  constructor(
    private readonly Counter: CounterModel,
    private readonly name: string,
  ) {}

  next(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length) {
      const batch = this.waiting.splice(0);
      try {
        const doc = await this.Counter.findOneAndUpdate({ _id: this.name }, { $inc: { seq: batch.length } }, { upsert: true, new: true }).lean();
        const first = doc!.seq - batch.length + 1;
        batch.forEach((w, i) => w.resolve(first + i));
      } catch (err) {
        batch.forEach((w) => w.reject(err));
      }
    }
    this.running = false;
  }
}
