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
