import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { Metrics, METRIC_NAMES } from '../../../src/infra/metrics';

const DEPLOY = path.resolve(__dirname, '..', '..', '..', 'deploy');

/** Every series name the app exports: its own metrics and prom-client's process metrics, with histogram suffixes. */
function exportedSeries(): Set<string> {
  const m = new Metrics({ processMetrics: true });
  const registered = m.registry.getMetricsAsArray() as unknown as { name: string; type: string }[];
  const types = new Map(registered.map((x) => [x.name, x.type]));
  const names = new Set<string>(['up']); // Prometheus' own, per target
  for (const name of new Set([...METRIC_NAMES, ...types.keys()])) {
    const type = types.get(name) ?? 'gauge';
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) names.add(name + s);
    else names.add(name);
  }
  return names;
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'and', 'or', 'unless', 'bool', 'inf', 'nan']);

/** The metric names a PromQL expression reads: what is left once strings, matchers, ranges, groupings and functions are taken out. */
function metricsIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const m of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = bare.slice((m.index ?? 0) + m[0].length);
    if (/^\s*\(/.test(after) || KEYWORDS.has(m[0].toLowerCase())) continue;
    if (/\d$/.test(bare.slice(0, m.index))) continue; // the unit of a number (1.5e9, 5m)
    names.push(m[0]);
  }
  return names;
}

describe('monitoring files in deploy/', () => {
  const exported = exportedSeries();

  it('reads metric names out of PromQL as Prometheus would', () => {
    expect(metricsIn('histogram_quantile(0.95, sum by (le, queue) (rate(aftercare_job_wait_seconds_bucket{queue="mail-in"}[5m])))')).toEqual(['aftercare_job_wait_seconds_bucket']);
    expect(metricsIn('max by (q) (a_b{state="failed"}) - max by (q) (a_b offset 1h) > 1.5e9')).toEqual(['a_b', 'a_b']);
    expect(metricsIn('absent(up{job="aftercare-workers"} == 1)')).toEqual(['up']);
  });

  it('has a Grafana dashboard that parses and reads only metrics the app exports', () => {
    const dash = JSON.parse(fs.readFileSync(path.join(DEPLOY, 'grafana', 'aftercare.json'), 'utf8'));
    expect(dash.uid).toBe('aftercare');
    const panels = (dash.panels as { type: string; title: string; targets?: { expr: string }[]; datasource?: { uid: string } }[]).filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(10);
    const read = new Set<string>();
    for (const p of panels) {
      expect(p.datasource?.uid).toBe('prometheus'); // the provisioned data source
      expect(p.targets?.length).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        const names = metricsIn(t.expr);
        expect(names.length).toBeGreaterThan(0);
        for (const n of names) {
          expect({ panel: p.title, metric: n, exported: exported.has(n) }).toEqual({ panel: p.title, metric: n, exported: true });
          read.add(n.replace(/_(bucket|sum|count)$/, ''));
        }
      }
    }
    // and the dashboard shows every metric of the app
    for (const name of METRIC_NAMES) expect({ shown: name, on: read.has(name) }).toEqual({ shown: name, on: true });
  });

  it('has Prometheus alert rules over exported metrics, and a scrape config for both processes with the token', () => {
    const alerts = YAML.parse(fs.readFileSync(path.join(DEPLOY, 'prometheus', 'alerts.yml'), 'utf8'));
    const rules = alerts.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules);
    expect(rules.length).toBeGreaterThan(5);
    for (const r of rules) for (const n of metricsIn(r.expr)) expect({ alert: r.alert, metric: n, exported: exported.has(n) }).toEqual({ alert: r.alert, metric: n, exported: true });

    const prom = YAML.parse(fs.readFileSync(path.join(DEPLOY, 'prometheus', 'prometheus.yml'), 'utf8'));
    const jobs = Object.fromEntries(prom.scrape_configs.map((j: { job_name: string }) => [j.job_name, j]));
    expect(Object.keys(jobs).sort()).toEqual(['aftercare-api', 'aftercare-workers']);
    expect(jobs['aftercare-api'].dns_sd_configs[0]).toMatchObject({ names: ['api'], port: 3000 });
    expect(jobs['aftercare-workers'].dns_sd_configs[0]).toMatchObject({ names: ['worker'], port: 9464 });
    for (const j of Object.values(jobs) as { authorization: { type: string; credentials_file: string } }[]) expect(j.authorization).toMatchObject({ type: 'Bearer', credentials_file: expect.any(String) });
    expect(prom.rule_files).toContain('/etc/prometheus/alerts.yml');
  });
});
