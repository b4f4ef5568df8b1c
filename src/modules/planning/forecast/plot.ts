/**
 * An SVG picture of a few series with their forecasts: history, the held-out actuals and
 * one line per method over the holdout. Written by hand (no charting dependency); pure.
 */

export interface PlotPanel {
  title: string;
  train: readonly number[];
  test: readonly number[];
  forecasts: readonly { label: string; values: readonly number[] }[];
}

const PANEL_W = 560;
const PANEL_H = 230;
const MARGIN = { top: 34, right: 16, bottom: 28, left: 46 };
const COLUMNS = 2;
const LEGEND_H = 30;
const PALETTE = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];

const escapeXml = (s: string) =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

const n2 = (v: number) => String(Math.round(v * 100) / 100);

/** A tick step of 1, 2 or 5 times a power of ten giving about four ticks up to `max`. */
function tickStep(max: number): number {
  if (max <= 0) return 1;
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

function panelSvg(panel: PlotPanel, x0: number, y0: number, colors: Map<string, string>): string {
  const all = [...panel.train, ...panel.test, ...panel.forecasts.flatMap((f) => f.values)];
  // Room for the forecasts too: past the holdout, or past the history when there is none.
  const periods =
    panel.train.length + Math.max(panel.test.length, ...panel.forecasts.map((f) => f.values.length));
  const step = tickStep(Math.max(...all, 1));
  const yMax = Math.max(step, Math.ceil(Math.max(...all, 1) / step) * step);
  const w = PANEL_W - MARGIN.left - MARGIN.right;
  const h = PANEL_H - MARGIN.top - MARGIN.bottom;
  const px = (t: number) => x0 + MARGIN.left + (periods <= 1 ? 0 : (t / (periods - 1)) * w);
  const py = (v: number) => y0 + MARGIN.top + h - (v / yMax) * h;
  const line = (points: [number, number][], attrs: string) =>
    `<polyline fill="none" ${attrs} points="${points.map(([t, v]) => `${n2(px(t))},${n2(py(v))}`).join(' ')}"/>`;
  const out: string[] = [];
  out.push(
    `<text x="${x0 + MARGIN.left}" y="${y0 + 20}" font-size="13" font-weight="bold">${escapeXml(panel.title)}</text>`,
  );
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    out.push(
      `<line x1="${n2(px(0))}" x2="${n2(px(periods - 1))}" y1="${n2(py(v))}" y2="${n2(py(v))}" stroke="#e5e5e5"/>`,
      `<text x="${x0 + MARGIN.left - 6}" y="${n2(py(v) + 4)}" font-size="10" text-anchor="end">${n2(v)}</text>`,
    );
  }
  for (let t = 0; t < periods; t += 12) {
    out.push(
      `<text x="${n2(px(t))}" y="${y0 + PANEL_H - 10}" font-size="10" text-anchor="middle">${t + 1}</text>`,
    );
  }
  const origin = panel.train.length - 1;
  out.push(
    `<line x1="${n2(px(origin))}" x2="${n2(px(origin))}" y1="${n2(py(0))}" y2="${n2(py(yMax))}" stroke="#999" stroke-dasharray="3,3"/>`,
  );
  const history = [...panel.train, ...panel.test].map((v, t) => [t, v] as [number, number]);
  out.push(line(history.slice(0, panel.train.length), 'stroke="#333" stroke-width="1.2"'));
  out.push(line(history.slice(origin), 'stroke="#333" stroke-width="1.2" stroke-dasharray="2,2"'));
  for (const f of panel.forecasts) {
    const pts = f.values.map((v, k) => [panel.train.length + k, v] as [number, number]);
    out.push(
      line([[origin, pts[0]?.[1] ?? 0], ...pts], `stroke="${colors.get(f.label)}" stroke-width="1.8"`),
    );
  }
  out.push(
    `<rect x="${x0 + MARGIN.left}" y="${y0 + MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#bbb"/>`,
  );
  return out.join('\n');
}

/** One SVG document: a legend, then the panels two to a row. */
export function renderForecastSvg(
  panels: readonly PlotPanel[],
  title = 'Forecasts over the holdout',
): string {
  const labels = [...new Set(panels.flatMap((p) => p.forecasts.map((f) => f.label)))];
  const colors = new Map(labels.map((l, i) => [l, PALETTE[i % PALETTE.length]!]));
  const rows = Math.max(1, Math.ceil(panels.length / COLUMNS));
  const width = PANEL_W * COLUMNS;
  const height = 30 + LEGEND_H + rows * PANEL_H;
  const legend = [
    `<line x1="16" x2="40" y1="${30 + 12}" y2="${30 + 12}" stroke="#333" stroke-width="1.2"/>`,
    `<text x="46" y="${30 + 16}" font-size="11">history (dashed: held out)</text>`,
    ...labels.map((l, i) => {
      const x = 220 + i * 130;
      return `<line x1="${x}" x2="${x + 24}" y1="${30 + 12}" y2="${30 + 12}" stroke="${colors.get(l)}" stroke-width="2"/><text x="${x + 30}" y="${30 + 16}" font-size="11">${escapeXml(l)}</text>`;
    }),
  ];
  const body = panels.map((p, i) =>
    panelSvg(p, (i % COLUMNS) * PANEL_W, 30 + LEGEND_H + Math.floor(i / COLUMNS) * PANEL_H, colors),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="16" y="20" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
    ...legend,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
