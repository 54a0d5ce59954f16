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
