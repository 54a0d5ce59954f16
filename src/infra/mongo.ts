import mongoose, { Connection, Schema } from 'mongoose';

/**
 * A dedicated Mongoose connection (no global mongoose state), inside MONGO-SUBSET.md's features.
 * Writes are acknowledged by a majority of a replica set (a primary that fails over right after
 * answering cannot lose them) and retried once by the driver across a failover (retryable writes;
 * every write of the code is safe to retry: conditional single-document updates, unique keys,
 * idempotent ledgers). Options written in MONGODB_URI (`w=`, `retryWrites=`) win. On one server,
 * and on the embedded store, a majority is that server: the options change nothing there.
 */
export async function connectMongo(uri: string): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
    maxPoolSize: 20,
    autoIndex: false, // indexes are built once, in order, by ensureIndexes()
    ...replicaSetDefaults(uri),
  });
  await conn.asPromise();
  return conn;
}

/** Majority writes and retryable writes, unless the URI says otherwise. */
export function replicaSetDefaults(uri: string): { writeConcern?: { w: 'majority'; wtimeoutMS: number }; retryWrites?: boolean; retryReads?: boolean } {
  const query = new URLSearchParams(uri.split('?')[1] ?? '');
  const has = (name: string) => [...query.keys()].some((k) => k.toLowerCase() === name.toLowerCase());
  return {
    ...(has('w') ? {} : { writeConcern: { w: 'majority', wtimeoutMS: 10000 } }),
    ...(has('retryWrites') ? {} : { retryWrites: true }),
    ...(has('retryReads') ? {} : { retryReads: true }),
  };
}

export async function ensureIndexes(conn: Connection): Promise<void> {
  for (const model of Object.values(conn.models)) {
    await model.createIndexes();
  }
}

export async function pingMongo(conn: Connection, timeoutMs = 1000): Promise<boolean> {
  if (conn.readyState !== 1 || !conn.db) return false;
  try {
    await Promise.race([
      conn.db.admin().command({ ping: 1 }),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs)),
    ]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The model `name` of a connection, registered on first use: several modules (reports, surveys,
 * seeds) ask for the same model, and the schema is built only once.
 */
export function modelOnce<M>(conn: Connection, name: string, schema: () => Schema): M {
  return (conn.models[name] ?? conn.model(name, schema())) as unknown as M;
}
