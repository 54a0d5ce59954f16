import type { Model, Types } from 'mongoose';
import type { CounterModel } from './counter.model';

/** The `_id`s of a collection's documents grouped by one field (`{ _id: value, ids }`), oldest id first. */
export interface IdGroup {
  _id: Types.ObjectId;
  ids: Types.ObjectId[];
}

/**
 * A data migration run once per database: skipped when its marker (a Counter named `migration:…`)
 * exists, marked with what it did once it finished. A run that died before the mark is run again
 * at the next start, so each migration must be idempotent (an `$addToSet`, a `$set` of what the
 * data says), which also makes two processes starting together harmless.
 */
export async function oncePerDatabase(Counter: CounterModel, mark: string, run: () => Promise<number>): Promise<number> {
  if (await Counter.exists({ _id: mark })) return 0;
  const done = await run();
  await Counter.updateOne({ _id: mark }, { $set: { seq: done } }, { upsert: true });
  return done;
}

/** The ids of `Model`'s documents grouped by `field`, each group's ids in `_id` order (one aggregation). */
export function idsBy(Model: Model<any>, field: string): Promise<IdGroup[]> {
  return Model.aggregate<IdGroup>([{ $sort: { _id: 1 } }, { $group: { _id: `$${field}`, ids: { $push: '$_id' } } }]);
}
