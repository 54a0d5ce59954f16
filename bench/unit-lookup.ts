/**
 * Finding a unit by serial and a customer's units with 20 000 units on the embedded store. Inserts
 * customers and units straight into MongoDB (insertMany) with their lookup rows, then measures over
 * HTTP on 127.0.0.1 GET /api/units?serial= (the console's serial search) and GET
 * /api/customers/:id/units (the customer panel), and for comparison the same serial lookup as a
 * plain query on the units (`Unit.find({serial})`: what an ordinary index gives on
 * mongo-java-server, which scans). Own stores; stops by itself.
 *   npx tsx bench/unit-lookup.ts            (UNITS=20000 REQUESTS=500 to change)
 */
import { Types } from 'mongoose';
import { unitModels } from '../src/modules/units/unit.model';
import { deadline, login, runBench, startBenchApp, summary } from './lib/harness';

const UNITS = Number(process.env.UNITS ?? 20_000);
const REQUESTS = Number(process.env.REQUESTS ?? 500);
const PER_CUSTOMER = 4;
const MODELS = ['AC-3500', 'WM-800', 'DW-600'];

const ms = (n: number) => `${n.toFixed(1)} ms`;
const line = (a: number[]) => {
  const s = summary(a);
  return `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)}`;
};

async function main(): Promise<void> {
  const cancelDeadline = deadline(180_000, 'bench did not finish within 3 minutes');
  const app = await startBenchApp({ name: 'units', mongoHeap: '1536m', workers: false });
  const { c, server } = app;
  try {
    const { Unit, UnitIndex } = unitModels(c.conn, c.clock); // the models the units module registered
    const customers = Array.from({ length: Math.ceil(UNITS / PER_CUSTOMER) }, (_, i) => ({ _id: new Types.ObjectId(), name: `Bench ${i}`, emails: [`bench${i}@example.com`], phones: [], locale: 'en', products: [] }));
    const t0 = Date.now();
    for (let i = 0; i < customers.length; i += 5000) await c.models.Customer.insertMany(customers.slice(i, i + 5000));
    const serials: string[] = [];
    for (let start = 0; start < UNITS; start += 5000) {
      const units = [];
      const rows = [];
      for (let i = start; i < Math.min(UNITS, start + 5000); i++) {
        const _id = new Types.ObjectId();
        const serial = `BN-${String(i).padStart(7, '0')}`;
        const customer = customers[Math.floor(i / PER_CUSTOMER)];
        serials.push(serial);
        units.push({ _id, customerId: customer._id, model: MODELS[i % MODELS.length], serial, purchaseDate: new Date(Date.now() - (i % 800) * 86400_000), originKey: `bench:${i}` });
        rows.push({ updateOne: { filter: { _id: `serial:${serial}` }, update: { $addToSet: { ids: _id } }, upsert: true } });
        rows.push({ updateOne: { filter: { _id: `customer:${customer._id}` }, update: { $addToSet: { ids: _id } }, upsert: true } });
      }
      await Unit.insertMany(units);
      await UnitIndex.bulkWrite(rows, { ordered: false });
    }
    console.log(`loaded ${customers.length} customers and ${UNITS} units with their lookup rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const token = await login(server.url, 'agent1@demo.local');
    const get = async (path: string) => {
      const t = performance.now();
      const res = await fetch(`${server.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      await res.json();
      return performance.now() - t;
    };
    const pick = () => serials[Math.floor(Math.random() * serials.length)];
    for (let i = 0; i < 50; i++) await get(`/api/units?serial=${pick()}`); // warm-up
    const bySerial: number[] = [];
    for (let i = 0; i < REQUESTS; i++) bySerial.push(await get(`/api/units?serial=${pick()}`));
    console.log(`GET /api/units?serial=  ${REQUESTS} requests: ${line(bySerial)}`);
    const byCustomer: number[] = [];
    for (let i = 0; i < REQUESTS; i++) byCustomer.push(await get(`/api/customers/${customers[Math.floor(Math.random() * customers.length)]._id}/units`));
    console.log(`GET /api/customers/:id/units (${PER_CUSTOMER} units each)  ${REQUESTS} requests: ${line(byCustomer)}`);

    const scan: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      await Unit.find({ serial: pick() }).lean();
      scan.push(performance.now() - t);
    }
    console.log(`for comparison, Unit.find({serial}) in the service process, 100 queries: ${line(scan)}`);
  } finally {
    cancelDeadline();
    await app.close();
  }
}

runBench(main);
