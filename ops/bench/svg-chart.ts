// Hand-written SVG so the results folder can be opened in any browser and committed or
// attached to an issue without a plotting dependency. Two stacked panels: a line chart
// (throughput over time) and grouped bars (latency percentiles or any other comparison).

export interface LineSeries {
  label: string;
  points: Array<{ x: number; y: number }>;
}

export interface LinePanel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
}

export interface BarGroup {
  /** Label under the group, e.g. "coalesce". */
  label: string;
  /** One bar per entry, e.g. p50 / p90 / p99; the same labels in every group share a colour. */
  bars: Array<{ label: string; value: number }>;
}

export interface BarPanel {
  title: string;
  yLabel: string;
  groups: BarGroup[];
}

export interface ChartSpec {
  title: string;
  subtitle?: string;
  lines?: LinePanel;
  bars?: BarPanel;
}

const WIDTH = 860;
const PANEL_HEIGHT = 300;
const HEADER = 56;
const MARGIN = { left: 78, right: 170, top: 30, bottom: 46 };
const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function colour(i: number): string {
  return COLOURS[i % COLOURS.length] ?? '#000';
}

/** Round axis maximum and step (1, 2, 2.5, 5 × 10^n) so tick labels stay readable. */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!Number.isFinite(max) || max <= 0) return { max: 1, step: 0.2 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  return { max: Math.ceil(max / step) * step, step };
}

function fmtTick(v: number): string {
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(Math.abs(v) < 1 ? 2 : 1);
}

interface Frame {
  x0: number;
  y0: number;
  w: number;
  h: number;
}

function axes(frame: Frame, yMax: number, yStep: number, yLabel: string, title: string): string[] {
  const out: string[] = [];
  const { x0, y0, w, h } = frame;
  out.push(`<text x="${x0}" y="${y0 - 12}" font-size="14" font-weight="600" ${FONT}>${esc(title)}</text>`);
  for (let v = 0; v <= yMax + yStep / 2; v += yStep) {
    const y = y0 + h - (v / yMax) * h;
    out.push(`<line x1="${x0}" y1="${y.toFixed(1)}" x2="${x0 + w}" y2="${y.toFixed(1)}" stroke="#e5e7eb"/>`);
    out.push(
      `<text x="${x0 - 6}" y="${(y + 4).toFixed(1)}" font-size="11" text-anchor="end" ${FONT}>${fmtTick(v)}</text>`,
    );
  }
  out.push(`<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y0 + h}" stroke="#374151"/>`);
  out.push(`<line x1="${x0}" y1="${y0 + h}" x2="${x0 + w}" y2="${y0 + h}" stroke="#374151"/>`);
  const cy = y0 + h / 2;
  out.push(
    `<text x="${x0 - 60}" y="${cy}" font-size="12" text-anchor="middle" transform="rotate(-90 ${x0 - 60} ${cy})" ${FONT}>${esc(yLabel)}</text>`,
  );
  return out;
}

function legend(frame: Frame, labels: string[]): string[] {
  const out: string[] = [];
  const x = frame.x0 + frame.w + 16;
  labels.forEach((label, i) => {
    const y = frame.y0 + 8 + i * 20;
    out.push(`<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${colour(i)}"/>`);
    out.push(`<text x="${x + 18}" y="${y + 1}" font-size="12" ${FONT}>${esc(label)}</text>`);
  });
  return out;
}

function linePanel(panel: LinePanel, top: number): string[] {
  const frame: Frame = {
    x0: MARGIN.left,
    y0: top + MARGIN.top,
    w: WIDTH - MARGIN.left - MARGIN.right,
    h: PANEL_HEIGHT - MARGIN.top - MARGIN.bottom,
  };
  const all = panel.series.flatMap((s) => s.points);
  const xMaxRaw = Math.max(1, ...all.map((p) => p.x));
  const y = niceScale(Math.max(0, ...all.map((p) => p.y)));
  const x = niceScale(xMaxRaw, 8);
  const out = axes(frame, y.max, y.step, panel.yLabel, panel.title);
  for (let v = 0; v <= x.max + x.step / 2; v += x.step) {
    const px = frame.x0 + (v / x.max) * frame.w;
    out.push(
      `<text x="${px.toFixed(1)}" y="${frame.y0 + frame.h + 16}" font-size="11" text-anchor="middle" ${FONT}>${fmtTick(v)}</text>`,
    );
  }
  out.push(
    `<text x="${frame.x0 + frame.w / 2}" y="${frame.y0 + frame.h + 36}" font-size="12" text-anchor="middle" ${FONT}>${esc(panel.xLabel)}</text>`,
  );
  panel.series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const pts = s.points
      .map((p) => {
        const px = frame.x0 + (p.x / x.max) * frame.w;
        const py = frame.y0 + frame.h - (p.y / y.max) * frame.h;
        return `${px.toFixed(1)},${py.toFixed(1)}`;
      })
      .join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${colour(i)}" stroke-width="2"/>`);
  });
  out.push(...legend(frame, panel.series.map((s) => s.label)));
  return out;
}

function barPanel(panel: BarPanel, top: number): string[] {
  const frame: Frame = {
    x0: MARGIN.left,
    y0: top + MARGIN.top,
    w: WIDTH - MARGIN.left - MARGIN.right,
    h: PANEL_HEIGHT - MARGIN.top - MARGIN.bottom,
  };
  const barLabels = [...new Set(panel.groups.flatMap((g) => g.bars.map((b) => b.label)))];
  const y = niceScale(Math.max(0, ...panel.groups.flatMap((g) => g.bars.map((b) => b.value))));
  const out = axes(frame, y.max, y.step, panel.yLabel, panel.title);
  const groupW = frame.w / Math.max(1, panel.groups.length);
  const barW = Math.min(48, (groupW * 0.8) / Math.max(1, barLabels.length));
  panel.groups.forEach((g, gi) => {
    const gx = frame.x0 + gi * groupW + (groupW - barW * barLabels.length) / 2;
    g.bars.forEach((b) => {
      const bi = barLabels.indexOf(b.label);
      const h = (Math.max(0, b.value) / y.max) * frame.h;
      const bx = gx + bi * barW;
      const by = frame.y0 + frame.h - h;
      out.push(
        `<rect x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${(barW - 3).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour(bi)}"><title>${esc(`${g.label} ${b.label}: ${fmtTick(b.value)}`)}</title></rect>`,
      );
      out.push(
        `<text x="${(bx + (barW - 3) / 2).toFixed(1)}" y="${(by - 3).toFixed(1)}" font-size="10" text-anchor="middle" ${FONT}>${fmtTick(b.value)}</text>`,
      );
    });
    out.push(
      `<text x="${(frame.x0 + gi * groupW + groupW / 2).toFixed(1)}" y="${frame.y0 + frame.h + 18}" font-size="12" text-anchor="middle" ${FONT}>${esc(g.label)}</text>`,
    );
  });
  out.push(...legend(frame, barLabels));
  return out;
}

/** The whole document as a string; the caller decides where it goes. */
export function renderChart(spec: ChartSpec): string {
  const panels = (spec.lines ? 1 : 0) + (spec.bars ? 1 : 0);
  const height = HEADER + PANEL_HEIGHT * Math.max(1, panels);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img">`,
    `<title>${esc(spec.title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="16" y="24" font-size="17" font-weight="700" ${FONT}>${esc(spec.title)}</text>`,
  ];
  if (spec.subtitle) out.push(`<text x="16" y="44" font-size="12" fill="#4b5563" ${FONT}>${esc(spec.subtitle)}</text>`);
  let top = HEADER;
  if (spec.lines) {
    out.push(...linePanel(spec.lines, top));
    top += PANEL_HEIGHT;
  }
  if (spec.bars) out.push(...barPanel(spec.bars, top));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
