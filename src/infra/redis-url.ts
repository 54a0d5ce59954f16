/**
 * REDIS_URL names the topology as well as the address, so one variable serves one box and a
 * department's cluster alike:
 *
 * - `redis://[user:password@]host:port[/db]`, `rediss://…` (TLS): one server
 * - `redis+cluster://[user:password@]host1:port,host2:port`, `rediss+cluster://…`: a Redis Cluster
 *   (any few of its masters; the client discovers the rest)
 * - `redis+sentinel://[user:password@]host1:port,host2:port[/db]?name=mymaster[&sentinelPassword=…]
 *   [&sentinelUsername=…]`, `rediss+sentinel://…`: the master that Sentinels named `name` point at;
 *   user and password are the master's, the sentinel ones are query parameters
 */
export interface HostPort {
  host: string;
  port: number;
}

interface Credentials {
  username?: string;
  password?: string;
  tls: boolean;
}

export type RedisTopology =
  | ({ kind: 'standalone'; url: string } & Credentials)
  | ({ kind: 'cluster'; nodes: HostPort[] } & Credentials)
  | ({ kind: 'sentinel'; sentinels: HostPort[]; name: string; db: number; sentinelUsername?: string; sentinelPassword?: string } & Credentials);

const FORM = /^(rediss?)(?:\+(cluster|sentinel))?:\/\/(?:([^@/?#]*)@)?([^/?#]+)(?:\/(\d*))?(?:\?([^#]*))?$/;

export class RedisUrlError extends Error {}

/** Parses REDIS_URL; throws a RedisUrlError saying what is wrong (config.ts turns it into one line). */
export function parseRedisUrl(url: string): RedisTopology {
  const m = FORM.exec(url.trim());
  if (!m) throw new RedisUrlError('must be redis://host:port, redis+cluster://host1:port,host2:port or redis+sentinel://host1:port,host2:port?name=mymaster');
  const [, scheme, kind, userinfo, hostList, db, query] = m;
  const tls = scheme === 'rediss';
  const creds: Credentials = { tls, ...parseUserinfo(userinfo) };
  if (!kind) {
    parseHosts(hostList, 6379, 1); // validates; ioredis parses the URL itself
    return { kind: 'standalone', url: url.trim(), ...creds };
  }
  const params = new URLSearchParams(query ?? '');
  if (kind === 'cluster') {
    if (db) throw new RedisUrlError('a Redis Cluster has only database 0: remove the /db from redis+cluster://');
    return { kind: 'cluster', nodes: parseHosts(hostList, 6379), ...creds };
  }
  const name = params.get('name');
  if (!name) throw new RedisUrlError('redis+sentinel:// needs ?name=<master name>, e.g. ?name=mymaster');
  return {
    kind: 'sentinel',
    sentinels: parseHosts(hostList, 26379),
    name,
    db: db ? Number(db) : 0,
    sentinelUsername: params.get('sentinelUsername') ?? undefined,
    sentinelPassword: params.get('sentinelPassword') ?? undefined,
    ...creds,
  };
}

function parseUserinfo(userinfo: string | undefined): { username?: string; password?: string } {
  if (!userinfo) return {};
  const i = userinfo.indexOf(':');
  const decode = (s: string) => (s ? decodeURIComponent(s) : undefined);
  if (i < 0) return { username: decode(userinfo) };
  return { username: decode(userinfo.slice(0, i)), password: decode(userinfo.slice(i + 1)) };
}

function parseHosts(list: string, defaultPort: number, max = Infinity): HostPort[] {
  const hosts = list.split(',').map((h) => h.trim()).filter(Boolean);
  if (!hosts.length) throw new RedisUrlError('names no host');
  if (hosts.length > max) throw new RedisUrlError('names several hosts: use redis+cluster:// or redis+sentinel://');
  return hosts.map((h) => {
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(h);
    const port = m?.[2] ? Number(m[2]) : defaultPort;
    if (!m || port < 1 || port > 65535) throw new RedisUrlError(`has a host that is not host:port (${h})`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
}

/**
 * Every Redis key of the system starts with this prefix. It carries a hash tag (`{aftercare}`) so
 * that all keys fall in one Cluster slot: BullMQ needs every key of a queue in one slot, and the
 * other multi-key commands (MULTI blocks, pipelines, DEL of several keys) then never cross slots.
 * A prefix that already has a tag is kept as given.
 */
export function hashTaggedPrefix(prefix: string): string {
  return /\{[^{}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}
