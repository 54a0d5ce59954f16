import mongoose, { Connection, Schema } from 'mongoose';

/** A dedicated Mongoose connection (no global mongoose state), inside MONGO-SUBSET.md's features. */
export async function connectMongo(uri: string): Promise<Connection> {
  const conn = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
    maxPoolSize: 20,
    autoIndex: false, // indexes are built once, in order, by ensureIndexes()
  });
  await conn.asPromise();
  return conn;
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
