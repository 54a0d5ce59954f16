import { io } from 'socket.io-client';
import { startTestApp } from '../tests/helpers/harness';
import { startMongo, startRedis } from '../scripts/lib/embedded-stores';
(async () => {
  const [m, r] = await Promise.all([startMongo({ maxHeap: '1g' }), startRedis()]);
  process.env.MONGODB_URI = m.url; process.env.REDIS_URL = r.url;
  const app = await startTestApp({});
  const counts = new Map<string, number>();
  (app.c.conn as any).set('debug', (coll: string, method: string) => { const k = `${coll}.${method}`; counts.set(k, (counts.get(k) ?? 0) + 1); });
  const socks = [];
  for (let i = 0; i < 20; i++) {
    const s = io(`${app.url}/chat`, { auth: { name: 'P' + i }, transports: ['websocket'] });
    await new Promise((res) => s.once('connect', res));
    await s.timeout(10000).emitWithAck('message:send', { body: 'hello', clientId: 'w' });
    socks.push(s);
  }
  await new Promise((res) => setTimeout(res, 500));
  counts.clear();
  const t = Date.now();
  const N = 200;
  let errs = 0;
  for (let i = 0; i < N; i++) { const r = await socks[i % 20].timeout(10000).emitWithAck('message:send', { body: 'm' + i, clientId: 'c' + i }); if (r.error) { errs++; if (errs === 1) console.log(JSON.stringify(r.error)); } }
  console.log('errors', errs);
  console.log('per message ms', (Date.now() - t) / N);
  console.log([...counts.entries()].map(([k, v]) => `${k} ${(v / N).toFixed(2)}`).join('\n'));
  socks.forEach((s) => s.disconnect()); await app.close(); await m.stop(); await r.stop(); process.exit(0);
})();
