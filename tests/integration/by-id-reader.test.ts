import mongoose, { Schema, Types } from 'mongoose';
import { ByIdReader } from '../../src/infra/by-id-reader';
import { CommandRecorder } from '../../src/infra/command-monitor';

/**
 * Reads by _id of the same moment share one query (issue #23), on the real store: each caller
 * gets its own document, a missing id answers null, and a read issued after a write sees it.
 */
describe('ByIdReader', () => {
  let conn: mongoose.Connection;
  let rec: CommandRecorder;
  const Thing = () => conn.models.ReaderThing ?? conn.model('ReaderThing', new Schema({ name: String, n: Number }));

  beforeAll(async () => {
    conn = await mongoose.createConnection(`${process.env.MONGODB_URI}/by_id_reader_${Date.now()}`, { monitorCommands: true }).asPromise();
    rec = new CommandRecorder(conn).start();
  });
  afterAll(async () => {
    rec.stop();
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  });

  it('answers concurrent reads with one query, each caller its own document', async () => {
    const M = Thing();
    const docs = await M.insertMany([{ name: 'a', n: 1 }, { name: 'b', n: 2 }, { name: 'c', n: 3 }]);
    const reader = new ByIdReader(M);
    rec.reset();
    const missing = new Types.ObjectId();
    const [a, b, a2, none, c] = await Promise.all([reader.get(docs[0]._id), reader.get(String(docs[1]._id)), reader.get(docs[0]._id), reader.get(missing), reader.get(docs[2]._id)]);
    expect(rec.commands.map((x) => `${x.name} ${x.collection}`)).toEqual(['find readerthings']);
    expect([a?.name, b?.name, a2?.name, none, c?.name]).toEqual(['a', 'b', 'a', null, 'c']);
    expect(a).not.toBe(a2);
    a2!.n = 10;
    await a2!.save();
    // the read after the write sees it; alone, one findById as before
    rec.reset();
    expect((await reader.get(docs[0]._id))?.n).toBe(10);
    expect(rec.commands).toHaveLength(1);
    expect(a!.n).toBe(1);
  });

  it('answers an id that is no ObjectId as findById does', async () => {
    const reader = new ByIdReader(Thing());
    await expect(reader.get('not-an-id')).rejects.toThrow(/Cast to ObjectId failed/);
  });

  it('reads plain documents under string keys, several ids of several callers in one query', async () => {
    const Key = conn.models.ReaderKey ?? conn.model('ReaderKey', new Schema({ _id: String, v: Number }));
    await Key.insertMany([{ _id: 'email:a@example.com', v: 1 }, { _id: 'phone:+861', v: 2 }]);
    const reader = new ByIdReader<{ _id: string; v: number }, { _id: string; v: number }>(Key as never, { lean: true, objectIds: false });
    rec.reset();
    const [one, two] = await Promise.all([reader.many(['email:a@example.com', 'phone:+862']), reader.many(['phone:+861'])]);
    expect(rec.commands).toHaveLength(1);
    expect(one).toMatchObject([{ _id: 'email:a@example.com', v: 1 }, null]);
    expect(two).toMatchObject([{ _id: 'phone:+861', v: 2 }]);
  });
});
