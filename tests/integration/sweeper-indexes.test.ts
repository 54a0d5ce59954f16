import type { Job } from 'bullmq';
import type { Model } from 'mongoose';
import { CommandRecorder } from '../../src/infra/command-monitor';
import { startTestApp, TestApp } from '../helpers/harness';

/** The top-level fields a filter constrains (those under $and too; $or/$nor branches are not a prefix an index can use). */
function fieldsOf(filter: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(filter)) {
    if (k === '$and' && Array.isArray(v)) out.push(...v.flatMap((f) => fieldsOf(f as Record<string, unknown>)));
    else if (!k.startsWith('$')) out.push(k);
  }
  return out;
}

/**
 * The periodic jobs (sweepers, repairs, retention, reminders) read by something else than a
 * unique key — that is what they are for — so on MongoDB 7 each of their filters needs an index
 * whose first field the filter constrains, declared in the model's schema (mongo-java-server
 * ignores non-unique indexes, MONGO-SUBSET.md; production's MongoDB does not). Every job of every
 * module whose name says it sweeps runs once, as a worker would, with the driver's commands
 * recorded; each filter that is not by a unique key must have such an index, or the test names it.
 */
describe('every periodic job’s query has the index MongoDB needs', () => {
  let app: TestApp;
  let rec: CommandRecorder;

  beforeAll(async () => {
    app = await startTestApp({ workers: false, monitorCommands: true });
    rec = new CommandRecorder(app.c.conn);
  });
  afterAll(async () => {
    rec.stop();
    await app.close();
  });

  it('runs each sweeper and finds a declared index for each of its filters', async () => {
    const jobs: [string, (job: Job) => Promise<unknown>][] = [];
    for (const m of app.c.modules) {
      for (const [queue, byName] of Object.entries(m.processors?.() ?? {})) {
        for (const [name, fn] of Object.entries(byName ?? {})) if (/sweep|effects|prune|remind/.test(name)) jobs.push([`${queue}/${name}`, fn]);
      }
    }
    expect(jobs.map(([n]) => n)).toEqual(expect.arrayContaining(['sla/sweep', 'tickets/sweep', 'tickets/effects', 'mail-in/sweep-raw', 'automation/sweep']));

    const indexes = new Map<string, string[][]>();
    for (const model of Object.values(app.c.conn.models) as Model<unknown>[]) {
      indexes.set(model.collection.collectionName, [['_id'], ...model.schema.indexes().map(([fields]) => Object.keys(fields))]);
    }
    const missing = new Set<string>();
    for (const [name, fn] of jobs) {
      rec.reset();
      rec.start();
      await fn({ id: `test-${name}`, name: name.split('/')[1], data: {}, attemptsMade: 0, opts: {} } as unknown as Job).catch(() => undefined);
      rec.stop();
      for (const c of rec.scans()) {
        const declared = indexes.get(c.collection);
        if (!declared) continue; // a collection no model declares (the bench's, a driver's own)
        for (const f of c.filters) {
          const fields = fieldsOf(f);
          if (!fields.length) continue; // a whole-collection read (a rebuild's pass, one query read in batches)
          // an index on the field, or on a path inside it ($elemMatch on an array of sub-documents)
          const usable = declared.some((ix) => fields.some((field) => ix[0] === field || ix[0].startsWith(`${field}.`)));
          if (!usable) missing.add(`${name}: ${c.collection} by ${JSON.stringify(f).slice(0, 160)} (indexes: ${declared.map((ix) => ix.join('+')).join(', ')})`);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });
});
