/** Cost-quality charts as hand-written SVG: no plotting dependency. */

export interface ChartSeries {
  name: string;
  /** (cost USD per query, quality) pairs; drawn as a line in cost order when more than one. */
  points: Array<{ cost: number; quality: number }>;
  /** Draw markers only, no line. @default false */
  pointsOnly?: boolean;
  /** Dashed line (e.g. a hull). @default false */
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  series: ChartSeries[];
  /** Single models: labelled dots. */
  singles?: Array<{ name: string; cost: number; quality: number }>;
  /** Logarithmic cost axis (costs spanning orders of magnitude). @default true */
  logCost?: boolean;
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (n: number) => (Math.round(n * 10) / 10).toString();

function niceCost(usd: number): string {
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  if (usd >= 0.0001) return `$${usd.toFixed(4)}`;
  return `$${usd.toExponential(0)}`;
}

/** One chart as a complete <svg> document. */
/** Every chart's opening: the svg element, a white background, the title and the two axes. */
function frame(W: number, H: number, title: string, m: { left: number; right: number; top: number; bottom: number }): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<line x1="${m.left}" y1="${H - m.bottom}" x2="${W - m.right}" y2="${H - m.bottom}" stroke="#333"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${H - m.bottom}" stroke="#333"/>`,
  ];
}

export function costQualityChart(spec: ChartSpec): string {
  const W = spec.width ?? 640;
  const H = spec.height ?? 420;
  const m = { left: 64, right: 16, top: 36, bottom: 48 };
  const logCost = spec.logCost ?? true;
  const all = [...spec.series.flatMap((s) => s.points), ...(spec.singles ?? [])].filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.quality) && (!logCost || p.cost > 0));
  const tx = (c: number) => (logCost ? Math.log10(c) : c);
  let x0 = Math.min(...all.map((p) => tx(p.cost)));
  let x1 = Math.max(...all.map((p) => tx(p.cost)));
  let y0 = Math.min(...all.map((p) => p.quality));
  let y1 = Math.max(...all.map((p) => p.quality));
  if (!Number.isFinite(x0)) [x0, x1, y0, y1] = [0, 1, 0, 1];
  const padX = (x1 - x0 || 1) * 0.06;
  const padY = (y1 - y0 || 0.1) * 0.08;
  x0 -= padX;
  x1 += padX;
  y0 -= padY;
  y1 += padY;
  const px = (c: number) => m.left + ((tx(c) - x0) / (x1 - x0)) * (W - m.left - m.right);
  const py = (q: number) => H - m.bottom - ((q - y0) / (y1 - y0)) * (H - m.top - m.bottom);
  const out: string[] = [];
  // The frame: background, title, axes.
  out.push(...frame(W, H, spec.title, m));
  for (let i = 0; i <= 5; i++) {
    const q = y0 + ((y1 - y0) * i) / 5;
    const y = py(q);
    out.push(`<line x1="${m.left - 4}" y1="${fmt(y)}" x2="${W - m.right}" y2="${fmt(y)}" stroke="#eee"/>`);
    out.push(`<text x="${m.left - 6}" y="${fmt(y + 4)}" text-anchor="end">${q.toFixed(2)}</text>`);
  }
  for (let i = 0; i <= 5; i++) {
    const v = x0 + ((x1 - x0) * i) / 5;
    const c = logCost ? 10 ** v : v;
    const x = px(c);
    out.push(`<line x1="${fmt(x)}" y1="${H - m.bottom}" x2="${fmt(x)}" y2="${H - m.bottom + 4}" stroke="#333"/>`);
    out.push(`<text x="${fmt(x)}" y="${H - m.bottom + 16}" text-anchor="middle">${niceCost(c)}</text>`);
  }
  out.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 8}" text-anchor="middle">cost per query (USD${logCost ? ', log scale' : ''})</text>`);
  out.push(`<text transform="translate(14 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">quality (mean score)</text>`);
  // Series.
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.points.filter((p) => Number.isFinite(p.cost) && (!logCost || p.cost > 0)).sort((a, b) => a.cost - b.cost);
    if (!s.pointsOnly && pts.length > 1) {
      out.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''} points="${pts.map((p) => `${fmt(px(p.cost))},${fmt(py(p.quality))}`).join(' ')}"/>`,
      );
    }
    for (const p of pts) out.push(`<circle cx="${fmt(px(p.cost))}" cy="${fmt(py(p.quality))}" r="${pts.length > 1 && !s.pointsOnly ? 2 : 4}" fill="${color}"/>`);
    // Legend.
    const ly = m.top + 8 + i * 15;
    out.push(`<rect x="${m.left + 10}" y="${ly - 8}" width="12" height="4" fill="${color}"/>`);
    out.push(`<text x="${m.left + 28}" y="${ly - 3}">${esc(s.name)}</text>`);
  });
  for (const p of spec.singles ?? []) {
    if (logCost && !(p.cost > 0)) continue;
    const x = px(p.cost);
    const y = py(p.quality);
    out.push(`<rect x="${fmt(x - 4)}" y="${fmt(y - 4)}" width="8" height="8" fill="black"/>`);
    out.push(`<text x="${fmt(x + 6)}" y="${fmt(y + 12)}" font-size="10">${esc(p.name)}</text>`);
  }
  out.push('</svg>');
  return out.join('\n');
}

/** Several charts side by side (nested <svg>), one file. */
export function chartRow(charts: string[], width = 640, height = 420): string {
  const inner = charts.map((c, i) => c.replace('<svg ', `<svg x="${i * width}" y="0" `)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width * charts.length}" height="${height}" viewBox="0 0 ${width * charts.length} ${height}">\n${inner}\n</svg>\n`;
}

export interface LineChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Array<{ name: string; points: Array<{ x: number; y: number }>; dashed?: boolean }>;
  width?: number;
  height?: number;
}

/** A plain line chart (linear axes): e.g. a metric against requests seen. */
export function lineChart(spec: LineChartSpec): string {
  const W = spec.width ?? 640;
  const H = spec.height ?? 420;
  const m = { left: 64, right: 16, top: 36, bottom: 48 };
  const all = spec.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  let x0 = Math.min(...all.map((p) => p.x));
  let x1 = Math.max(...all.map((p) => p.x));
  let y0 = Math.min(...all.map((p) => p.y));
  let y1 = Math.max(...all.map((p) => p.y));
  if (!Number.isFinite(x0)) [x0, x1, y0, y1] = [0, 1, 0, 1];
  const padY = (y1 - y0 || 0.1) * 0.08;
  y0 -= padY;
  y1 += padY;
  if (x1 === x0) x1 = x0 + 1;
  const px = (x: number) => m.left + ((x - x0) / (x1 - x0)) * (W - m.left - m.right);
  const py = (y: number) => H - m.bottom - ((y - y0) / (y1 - y0)) * (H - m.top - m.bottom);
  const out: string[] = [];
  out.push(...frame(W, H, spec.title, m));
  for (let i = 0; i <= 5; i++) {
    const v = y0 + ((y1 - y0) * i) / 5;
    out.push(`<line x1="${m.left - 4}" y1="${fmt(py(v))}" x2="${W - m.right}" y2="${fmt(py(v))}" stroke="#eee"/>`);
    out.push(`<text x="${m.left - 6}" y="${fmt(py(v) + 4)}" text-anchor="end">${Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3)}</text>`);
    const x = x0 + ((x1 - x0) * i) / 5;
    out.push(`<line x1="${fmt(px(x))}" y1="${H - m.bottom}" x2="${fmt(px(x))}" y2="${H - m.bottom + 4}" stroke="#333"/>`);
    out.push(`<text x="${fmt(px(x))}" y="${H - m.bottom + 16}" text-anchor="middle">${Math.round(x)}</text>`);
  }
  out.push(`<text x="${(m.left + W - m.right) / 2}" y="${H - 8}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${(m.top + H - m.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`);
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''} points="${pts.map((p) => `${fmt(px(p.x))},${fmt(py(p.y))}`).join(' ')}"/>`);
    for (const p of pts) out.push(`<circle cx="${fmt(px(p.x))}" cy="${fmt(py(p.y))}" r="2" fill="${color}"/>`);
    const ly = m.top + 8 + i * 15;
    out.push(`<rect x="${m.left + 10}" y="${ly - 8}" width="12" height="4" fill="${color}"/>`);
    out.push(`<text x="${m.left + 28}" y="${ly - 3}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
