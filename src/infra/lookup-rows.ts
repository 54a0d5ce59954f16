import { Connection, Model, Schema, Types } from 'mongoose';
import { updateEach } from './batches';
import { modelOnce } from './mongo';

export type LookupRowModel = Model<{ _id: string; ids: Types.ObjectId[] }>;

/**
 * Rows `{_id: key, ids}` that answer "which documents have this attribute" by reading one row by
 * its unique `_id` instead of scanning (MONGO-SUBSET.md: non-unique indexes are scans on the
 * embedded store). Write a row before the document it names: a crash in between leaves an id
 * that resolves to nothing, never a document nobody finds; readers re-check what they load.
 */
export class LookupRows {
  constructor(private readonly Rows: LookupRowModel) {}

  async add(key: string, id: Types.ObjectId): Promise<void> {
    await this.Rows.updateOne({ _id: key }, { $addToSet: { ids: id } }, { upsert: true });
  }

  /** Adds many ids to many rows, 500 rows to a bulkWrite (a migration naming older documents). */
  async addAll(rows: { key: string; ids: Types.ObjectId[] }[]): Promise<void> {
    await updateEach(this.Rows, rows, (r) => ({ filter: { _id: r.key }, update: { $addToSet: { ids: { $each: r.ids } } }, upsert: true }));
  }

  async remove(id: Types.ObjectId, keys: string[]): Promise<void> {
    for (const key of keys) await this.Rows.updateOne({ _id: key }, { $pull: { ids: id } });
  }

  async ids(keys: string[]): Promise<Types.ObjectId[]> {
    if (!keys.length) return [];
    const rows = keys.length === 1 ? [await this.Rows.findById(keys[0]).lean()] : await this.Rows.find({ _id: { $in: keys } }).lean();
    return rows.flatMap((r) => r?.ids ?? []);
  }

  /**
   * The documents the rows of `keys` name, read by `_id`, those that still `belong` (an id whose
   * document moved to another owner, or was never stored, is left out: the readers' re-check).
   */
  async docs<D>(keys: string[], Model: { find(filter: object): PromiseLike<D[]> }, belong: (doc: D) => boolean): Promise<D[]> {
    const ids = await this.ids(keys);
    if (!ids.length) return [];
    return (await Model.find({ _id: { $in: ids } })).filter(belong);
  }
}

export function lookupRowsModel(conn: Connection, name: string): LookupRowModel {
  return modelOnce<LookupRowModel>(conn, name, () => new Schema({ _id: String, ids: { type: [Schema.Types.ObjectId], default: [] } }, { versionKey: false }));
}
