/**
 * Small hand-written SVG charts (no chart library: the console bundle stays small). Each chart is
 * drawn in a fixed coordinate box and scaled to its container; every bar and point carries a
 * `<title>`, which browsers show as a tooltip and screen readers read.
 */

const W = 560;
const M = { top: 26, right: 10, bottom: 30, left: 50 };

export interface Datum {
  key: string;
  /** the axis label (shortened when space is tight) */
  label: string;
  value: number | null;
  /** the tooltip: label and formatted value */
  title: string;
}

/** 0, step, 2·step … ≥ max, with a step of 1, 2 or 5 × 10^k: axis numbers people can read. */
export function niceTicks(max: number, count = 4): number[] {
  const top = max > 0 ? max : 1;
  const raw = top / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v < top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < top) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

/** Cuts a label to about `px` pixels at the chart's 12px font: CJK glyphs are about twice as wide as Latin ones. */
function shorten(s: string, px: number): string {
  let width = 0;
  for (let i = 0; i < s.length; i++) {
    width += /[\u2e80-\uffef]/.test(s[i]) ? 12 : 7;
    if (width > px) return `${s.slice(0, Math.max(1, i - 1))}…`;
  }
  return s;
}

function Frame(p: { height: number; ticks: number[]; max: number; format: (v: number) => string; axisTitle?: string; labels: { x: number; text: string; full: string }[]; children: unknown; testid: string; ariaLabel: string; extra?: Record<string, string> }) {
  const ph = p.height - M.top - M.bottom;
  const y = (v: number) => M.top + ph - (v / p.max) * ph;
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${p.height}`} width="100%" role="img" aria-label={p.ariaLabel} data-chart={p.testid} {...p.extra}>
      <g class="grid">
        {p.ticks.map((tk) => (
          <g key={tk}>
            <line x1={M.left} x2={W - M.right} y1={y(tk)} y2={y(tk)} />
            <text class="tick" x={M.left - 6} y={y(tk) + 4} text-anchor="end">{p.format(tk)}</text>
          </g>
        ))}
      </g>
      {p.axisTitle && <text class="axis-title" x={M.left} y={12}>{p.axisTitle}</text>}
      <line class="axis" x1={M.left} x2={W - M.right} y1={M.top + ph} y2={M.top + ph} />
      <g class="x-labels">
        {p.labels.map((l) => (
          <text key={l.x} class="tick" x={l.x} y={M.top + ph + 16} text-anchor="middle">
            <title>{l.full}</title>
            {l.text}
          </text>
        ))}
      </g>
      {p.children}
    </svg>
  );
}

/** Positions of n bands across the plot; every k-th label is shown so they never overlap. */
function bands(n: number, labels: string[]) {
  const pw = W - M.left - M.right;
  const band = pw / Math.max(1, n);
  const every = Math.max(1, Math.ceil(n / 12));
  const cx = (i: number) => M.left + band * i + band / 2;
  const shown = labels
    .map((full, i) => ({ x: cx(i), full, text: shorten(full, band * every - 8), i }))
    .filter((l) => l.i % every === 0);
  return { band, cx, shown };
}

export function BarChart(p: { data: Datum[]; format: (v: number) => string; max?: number; tickCount?: number; height?: number; axisTitle?: string; testid: string; ariaLabel: string; tone?: (v: number) => string; extra?: Record<string, string> }) {
  const height = p.height ?? 220;
  const top = p.max ?? Math.max(0, ...p.data.map((d) => d.value ?? 0));
  const ticks = p.max !== undefined ? niceTicks(p.max, p.tickCount ?? 4).filter((v) => v <= p.max!) : niceTicks(top, p.tickCount ?? 4);
  const max = Math.max(ticks[ticks.length - 1], p.max ?? 0) || 1;
  const ph = height - M.top - M.bottom;
  const { band, cx, shown } = bands(p.data.length, p.data.map((d) => d.label));
  const bw = Math.max(2, Math.min(48, band * 0.7));
  return (
    <Frame height={height} ticks={ticks} max={max} format={p.format} axisTitle={p.axisTitle} labels={shown} testid={p.testid} ariaLabel={p.ariaLabel} extra={p.extra}>
      <g class="bars">
        {p.data.map((d, i) => {
          const h = d.value === null ? 0 : (Math.min(d.value, max) / max) * ph;
          return (
            <rect key={d.key} class={`bar ${d.value === null ? 'none' : p.tone?.(d.value) ?? ''}`} data-key={d.key} data-value={d.value ?? ''} x={cx(i) - bw / 2} y={M.top + ph - h} width={bw} height={h}>
              <title>{d.title}</title>
            </rect>
          );
        })}
        {/* a wide invisible target per band, so short bars and empty days still show their tooltip */}
        {p.data.map((d, i) => (
          <rect key={`hit-${d.key}`} class="hit" x={cx(i) - band / 2} y={M.top} width={band} height={ph}>
            <title>{d.title}</title>
          </rect>
        ))}
      </g>
    </Frame>
  );
}

export interface Series {
  name: string;
  cls: string;
  values: (number | null)[];
  titles: string[];
}

/** Lines over the same bands as the bar chart (days line up); a missing value breaks the line. */
export function LineChart(p: { labels: string[]; series: Series[]; format: (v: number) => string; height?: number; axisTitle?: string; testid: string; ariaLabel: string }) {
  const height = p.height ?? 220;
  const ticks = niceTicks(Math.max(0, ...p.series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const max = ticks[ticks.length - 1] || 1;
  const ph = height - M.top - M.bottom;
  const y = (v: number) => M.top + ph - (v / max) * ph;
  const { cx, shown } = bands(p.labels.length, p.labels);
  return (
    <Frame height={height} ticks={ticks} max={max} format={p.format} axisTitle={p.axisTitle} labels={shown} testid={p.testid} ariaLabel={p.ariaLabel}>
      {p.series.map((s) => {
        let d = '';
        let pen = false;
        s.values.forEach((v, i) => {
          if (v === null) return void (pen = false);
          d += `${pen ? 'L' : 'M'}${cx(i).toFixed(1)},${y(v).toFixed(1)}`;
          pen = true;
        });
        return (
          <g key={s.name} class={`series ${s.cls}`} data-series={s.cls}>
            <path class="line" d={d} />
            {s.values.map((v, i) =>
              v === null ? null : (
                <circle key={i} class="point" cx={cx(i)} cy={y(v)} r={3.5}>
                  <title>{s.titles[i]}</title>
                </circle>
              ),
            )}
          </g>
        );
      })}
    </Frame>
  );
}

export function Legend({ items }: { items: { name: string; cls: string }[] }) {
  return (
    <ul class="legend">
      {items.map((it) => (
        <li key={it.cls}><span class={`swatch ${it.cls}`} /> {it.name}</li>
      ))}
    </ul>
  );
}
