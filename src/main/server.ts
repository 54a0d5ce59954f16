import http from 'node:http';
import { AddressInfo } from 'node:net';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { setupAgentsNamespace } from '../realtime/agents-namespace';
import type { AgentsNamespace } from '../realtime/realtime';
import { createApp } from './app';
import type { Container } from './container';

export interface RunningServer {
  http: http.Server;
  io: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * The API process: HTTP, Socket.IO and whatever the modules listen on (SMTP). Socket.IO nodes meet
 * through Redis 7 sharded Pub/Sub (the sharded adapter; src/realtime/sharded-emitter.ts publishes
 * to it from anywhere), which a Redis Cluster spreads over its shards.
 */
export async function startServer(c: Container, opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  const app = createApp(c);
  const server = http.createServer(app);
  const io = new Server(server, { cors: { origin: true, credentials: false }, maxHttpBufferSize: 1e6, connectionStateRecovery: undefined });
  io.adapter(createShardedAdapter(c.makeRedis('publisher'), c.makeRedis('subscriber'), { channelPrefix: c.realtime.key, subscriptionMode: 'dynamic' }));
  c.metrics.observeSockets(io);
  // one Server carries two namespaces with their own event maps: /agents is typed by agents.events.ts
  const agents = io.of('/agents') as unknown as AgentsNamespace;
  setupAgentsNamespace(agents, (token) => c.auth.authenticate(token));
  for (const m of c.modules) m.sockets?.(io, agents);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? c.config.port, opts.host ?? c.config.host, () => resolve());
  });
  for (const m of c.modules) await m.startApi?.();
  const port = (server.address() as AddressInfo).port;
  return {
    http: server,
    io,
    port,
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const m of [...c.modules].reverse()) await m.stopApi?.().catch(() => undefined);
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      server.closeAllConnections?.();
    },
  };
}
