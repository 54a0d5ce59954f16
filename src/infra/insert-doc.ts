import { Error as MongooseError, SchemaType as BaseType, type HydratedDocument, type Model, type Schema, type SchemaType } from 'mongoose';
import type { GroupCommit } from './group-commit';

type Pojo = Record<string, unknown>;
/** the parts of mongoose's SchemaType used here (public on the prototype, partly untyped) */
type AnyType = SchemaType & {
  $isSingleNested?: boolean;
  $isMongooseDocumentArray?: boolean;
  $isMongooseArray?: boolean;
  caster?: AnyType & { schema?: Schema };
  schema?: Schema;
  validators: { type?: string }[];
  doValidateSync(value: unknown, scope: unknown): Error | null;
};

function valueAt(obj: Pojo, path: string): unknown {
  if (!path.includes('.')) return obj[path];
  let cur: unknown = obj;
  for (const piece of path.split('.')) {
    if (cur == null || typeof cur !== 'object') return undefined;
    cur = (cur as Pojo)[piece];
  }
  return cur;
}

/**
 * mongoose's synchronous validators (required, enum, min/max, maxlength, match, custom sync ones)
 * run over a cast plain document and its subdocuments, as `validateSync()` runs them over a new
 * document; async validators are skipped by both. Errors are added to `error` under their full path.
 */
/** the errors of one document, the ValidationError (an Error, with its stack trace) made only when there is one */
class Errors {
  error: MongooseError.ValidationError | null = null;
  addError(path: string, err: Error): void {
    (this.error ??= new MongooseError.ValidationError()).addError(path, err as never);
  }
}

function validatePlain(schema: Schema, obj: Pojo, prefix: string, error: Errors): void {
  for (const [path, t] of Object.entries(schema.paths) as [string, AnyType][]) {
    const value = valueAt(obj, path);
    const full = prefix + path;
    if (t.$isSingleNested) {
      if (value == null) {
        const err = t.validators.length && t.validators[0].type === 'required' ? t.doValidateSync(value, obj) : null;
        if (err) error.addError(full, err);
      } else validatePlain(t.caster!.schema!, value as Pojo, `${full}.`, error);
      continue;
    }
    if (t.$isMongooseDocumentArray) {
      const err = (BaseType.prototype as unknown as AnyType).doValidateSync.call(t, value, obj);
      if (err) error.addError(full, err);
      if (Array.isArray(value)) value.forEach((el, i) => el != null && validatePlain(t.schema!, el as Pojo, `${full}.${i}.`, error));
      continue;
    }
    const err = t.doValidateSync(value, obj);
    if (err) error.addError(full, err);
    if (t.$isMongooseArray && Array.isArray(value) && t.caster?.validators?.length) {
      value.forEach((el, i) => {
        const e = t.caster!.doValidateSync(el, obj);
        if (e) error.addError(`${full}.${i}`, e);
      });
    }
  }
}

/**
 * A new document as `new Model(fields)` and `save()` would store it — cast (a cast failure is a
 * ValidationError), defaults, timestamps, `__v: 0`, validated with the schema's synchronous
 * validators — built as a plain object with the model's static helpers (`castObject`,
 * `applyDefaults`, `applyTimestamps`) instead of a hydrated document: ~0.2 ms instead of ~1.1 ms
 * for a ticket (issue #23). A path given as null stays null, as it would be stored.
 */
export function storedShape<T>(M: Model<T>, fields: Pojo): Pojo {
  const stored = (M as unknown as { castObject(o: Pojo): Pojo }).castObject(fields);
  // castObject leaves out null values; a document stores them
  for (const [k, v] of Object.entries(fields)) if (v === null && M.schema.path(k) && !(k in stored)) stored[k] = null;
  M.applyDefaults(stored);
  const ts = M.schema.options.timestamps;
  if (ts) {
    const currentTime = typeof ts === 'object' ? (ts as { currentTime?: () => Date }).currentTime : undefined;
    (M as unknown as { applyTimestamps(o: Pojo, opts: object): void }).applyTimestamps(stored, currentTime ? { currentTime } : {});
  }
  const versionKey = M.schema.options.versionKey;
  if (typeof versionKey === 'string' && stored[versionKey] == null) stored[versionKey] = 0;
  const errors = new Errors();
  validatePlain(M.schema, stored, '', errors);
  if (errors.error) throw errors.error;
  return stored;
}

/**
 * Inserts a new document as `Model.create(fields)` would — cast, defaults, timestamps, validated,
 * `__v: 0` — and answers the same saved document (hydrated from what was stored: not new, nothing
 * modified, so a later save sends only what changes), without the machinery of `save()` (its
 * middleware chain, the parallel-save guard's Error with a stack trace, async validation) nor of
 * a new document's construction (issue #23: ~1.1 → ~0.25 ms of CPU for a ticket, see storedShape).
 * Only for schemas without save middleware or async validators (tickets, messages, audit entries,
 * customers, contacts): those would be skipped here. A duplicate key rejects with the driver's
 * E11000 error, an invalid document with mongoose's ValidationError, as `create` does.
 * `writes`: a GroupCommit of the collection made with `prepared: true`, so that concurrent
 * creations share one insert command (alone, one round trip as before).
 */
export async function insertDoc<T>(M: Model<T>, fields: Pojo, writes?: GroupCommit): Promise<HydratedDocument<T>> {
  const stored = storedShape(M, fields);
  if (writes) await writes.insert(stored);
  else await M.collection.insertOne(stored as never);
  return M.hydrate(stored) as HydratedDocument<T>;
}

/**
 * insertDoc for a document nobody reads back (an audit entry, a contact): the same checks and the
 * same stored document, answered as that plain object, without hydrating it.
 */
export async function insertPlain<T>(M: Model<T>, fields: Pojo, writes?: GroupCommit): Promise<Pojo> {
  const stored = storedShape(M, fields);
  if (writes) await writes.insert(stored);
  else await M.collection.insertOne(stored as never);
  return stored;
}
