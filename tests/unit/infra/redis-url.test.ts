import { hashTaggedPrefix, parseRedisUrl } from '../../../src/infra/redis-url';
import { ConfigError, loadConfig } from '../../../src/config';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/x', SESSION_SECRET: 'a-long-enough-secret' };

describe('REDIS_URL forms', () => {
  it('takes one server as ioredis takes it, with TLS and credentials', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379/2')).toEqual({ kind: 'standalone', url: 'redis://127.0.0.1:6379/2', tls: false });
    expect(parseRedisUrl('rediss://:s%40cret@cache.example.com:6380')).toMatchObject({ kind: 'standalone', tls: true, password: 's@cret' });
  });

  it('reads a Cluster from several seed nodes, default port 6379, IPv6 in brackets', () => {
    expect(parseRedisUrl('redis+cluster://app:pw@10.0.0.1:7000,10.0.0.2,[::1]:7002')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
        { host: '::1', port: 7002 },
      ],
      username: 'app',
      password: 'pw',
      tls: false,
    });
    expect(parseRedisUrl('rediss+cluster://h1:7000')).toMatchObject({ kind: 'cluster', tls: true });
  });

  it('reads Sentinels with the master name, its database and the sentinels\' own password', () => {
    expect(parseRedisUrl('redis+sentinel://:masterpw@s1:26379,s2,s3:26380/1?name=mymaster&sentinelPassword=sp')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
        { host: 's3', port: 26380 },
      ],
      name: 'mymaster',
      db: 1,
      password: 'masterpw',
      sentinelPassword: 'sp',
      tls: false,
    });
  });

  it.each([
    ['http://127.0.0.1:6379', /must be redis:\/\/host:port/],
    ['redis://h1:6379,h2:6379', /several hosts: use redis\+cluster/],
    ['redis+sentinel://s1:26379', /needs \?name=/],
    ['redis+cluster://h1:7000/3', /only database 0/],
    ['redis+cluster://h1:99999', /not host:port/],
  ])('refuses %s with a reason, in config\'s one line', (url, reason) => {
    expect(() => parseRedisUrl(url)).toThrow(reason);
    let err: unknown;
    try {
      loadConfig({ ...base, REDIS_URL: url });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^Invalid configuration: REDIS_URL /);
  });
});

describe('key prefix', () => {
  it('puts every key in one Cluster slot with a hash tag, keeping a tag already given', () => {
    expect(hashTaggedPrefix('aftercare')).toBe('{aftercare}');
    expect(hashTaggedPrefix('{acme}')).toBe('{acme}');
    expect(hashTaggedPrefix('acme:{hd}')).toBe('acme:{hd}');
    expect(loadConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' }).queuePrefix).toBe('{aftercare}');
    expect(loadConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379', QUEUE_PREFIX: 'dept2' }).queuePrefix).toBe('{dept2}');
  });
});
