import type { Model } from 'mongoose';

/**
 * Groups what an async source yields (a MongoDB cursor) into arrays of `size`. A pass over a
 * collection is then one query whose results arrive in the driver's batches, instead of pages
 * re-queried by `_id` ranges: mongo-java-server answers each such page by scanning and sorting the
 * whole collection (MONGO-SUBSET.md), so paging made a pass quadratic in the collection's size.
 */
export async function* inBatches<T>(source: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * A pass over what a filter selects that keeps at most `size` documents at a time in the store:
 * the `_id`s alone first (`ids`: one query, projected to `_id`, read to its end so the store drops
 * it), then the documents `size` at a time by `_id` (`read`: an `$in` on the unique `_id` index,
 * no scan). mongo-java-server answers a query by collecting every matching document into a list
 * that the cursor keeps until its last batch is fetched, so one query over 100 000 messages and
 * their bodies held them all in the store's heap for the whole pass; this holds their `_id`s
 * for a moment and one slice. The ids are handed to `read` as strings (a mongoose model casts
 * them to its `_id` type). A document removed since the id read is not in its slice; one written
 * after it is not in the pass (the observers that keep the structure current see it).
 */
export async function* inIdSlices<T>(ids: AsyncIterable<{ _id: unknown }>, size: number, read: (ids: string[]) => Promise<T[]>): AsyncGenerator<T[]> {
  const all: string[] = [];
  for await (const doc of ids) all.push(String(doc._id));
  for (let i = 0; i < all.length; i += size) {
    const docs = await read(all.slice(i, i + size));
    if (docs.length) yield docs;
  }
}

/** Writes one update per group, 500 to a bulkWrite (unordered: one group's failure stops none of the others). */
export async function updateEach<G>(Target: Model<any>, groups: G[], op: (g: G) => { filter: object; update: object; upsert?: boolean; timestamps?: boolean }): Promise<void> {
  for (let i = 0; i < groups.length; i += 500) {
    await Target.bulkWrite(groups.slice(i, i + 500).map((g) => ({ updateOne: op(g) })) as never, { ordered: false });
  }
}
