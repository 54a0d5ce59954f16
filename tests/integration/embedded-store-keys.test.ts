import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mongo } from 'mongoose';
import { startMongo, type StoreHandle } from '../../scripts/lib/embedded-stores';
import { storeUrls } from '../helpers/harness';

const { MongoClient, ObjectId } = mongo;
type Collection = mongo.Collection;

/**
 * The embedded store (scripts/mongo/Launcher.java) answers a filter that pins a unique key plus
 * other conditions from that key, as MongoDB does — the conditional updates by `_id` the services
 * rely on (`{_id, 'sla.rev': n}`, `{_id, 'effects.id': e}`) — and must give exactly MongoDB's
 * answers doing so: the other conditions still decide, unique keys still refuse a second document,
 * on both backends (memory for tests, H2 for `npm start`). What it costs is measured in
 * bench/mail-cost.ts, not here.
 */
describe('the embedded store reads by a unique key among other conditions', () => {
  let h2: StoreHandle | null = null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-store-keys-'));
  const clients: mongo.MongoClient[] = [];

  afterAll(async () => {
    for (const c of clients) await c.close();
    await h2?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function collection(url: string): Promise<Collection> {
    const client = await MongoClient.connect(url);
    clients.push(client);
    const col = client.db(`store_keys_${Date.now()}`).collection('docs');
    await col.createIndex({ key: 1 }, { unique: true });
    await col.createIndex({ a: 1, b: 1 }, { unique: true });
    return col;
  }

  async function behaves(col: Collection) {
    const ids = Array.from({ length: 30 }, () => new ObjectId());
    await col.insertMany(ids.map((_id, i) => ({ _id, key: `k${i}`, a: i % 5, b: Math.floor(i / 5), rev: i % 3, tags: [`t${i}`] })));
    const id = ids[7];

    // _id with other fields: matched only when they hold
    expect((await col.findOne({ _id: id, rev: 1 }))?.key).toBe('k7');
    expect(await col.findOne({ _id: id, rev: 2 })).toBeNull();
    expect(await col.findOne({ _id: id, tags: 't8' })).toBeNull();
    expect((await col.findOne({ _id: id, $or: [{ rev: 5 }, { tags: 't7' }] }))?.key).toBe('k7');

    // a conditional update (optimistic revision) writes once, the stale one not at all
    expect((await col.findOneAndUpdate({ _id: id, rev: 1 }, { $set: { rev: 2 } }, { returnDocument: 'after' }))?.rev).toBe(2);
    expect(await col.findOneAndUpdate({ _id: id, rev: 1 }, { $set: { rev: 9 } })).toBeNull();
    expect((await col.updateOne({ _id: id, rev: 1 }, { $inc: { n: 1 } })).matchedCount).toBe(0);
    expect((await col.findOne({ _id: id }))?.rev).toBe(2);

    // $in of ids with a condition, another unique key, a compound unique key
    const inIds = await col.find({ _id: { $in: ids.slice(0, 6) }, rev: 0 }).sort({ key: 1 }).toArray();
    expect(inIds.map((d) => d.key)).toEqual(['k0', 'k3']);
    expect((await col.findOne({ key: 'k4', rev: 1 }))?._id).toEqual(ids[4]);
    expect(await col.findOne({ key: 'k4', rev: 0 })).toBeNull();
    expect((await col.findOne({ a: 2, b: 3, rev: 2 }))?.key).toBe('k17');
    expect(await col.findOne({ a: 2, b: 3, rev: 0 })).toBeNull();

    // a delete by key and condition removes only a match
    expect((await col.deleteOne({ _id: ids[9], rev: 1 })).deletedCount).toBe(0);
    expect((await col.deleteOne({ _id: ids[9], rev: 0 })).deletedCount).toBe(1);
    expect(await col.findOne({ _id: ids[9] })).toBeNull();

    // the unique keys still refuse a second document, and the index list is MongoDB's
    await expect(col.insertOne({ key: 'k5' })).rejects.toThrow(/E11000/);
    await expect(col.updateOne({ _id: ids[1], rev: 1 }, { $set: { key: 'k2' } })).rejects.toThrow(/E11000/);
    const indexes = await col.indexes();
    expect(indexes.map((i) => [i.name, Boolean(i.unique)]).sort()).toEqual([
      ['_id_', false],
      ['a_1_b_1', true],
      ['key_1', true],
    ]);
    // an upsert by key and condition that matches nothing inserts once
    await col.updateOne({ _id: 'fresh' as never, rev: 0 }, { $setOnInsert: { key: 'fresh' } }, { upsert: true });
    expect(await col.countDocuments({ key: 'fresh' })).toBe(1);
  }

  it('memory backend (the tests’ store)', async () => {
    await behaves(await collection(storeUrls('unused').mongo.replace(/\/unused$/, '')));
  });

  it('H2 backend (the store `npm start` keeps on disk)', async () => {
    h2 = await startMongo({ file: path.join(dir, 'keys.mv'), maxHeap: '256m' });
    await behaves(await collection(h2.url));
  });
});
