// Self-contained HTML for reports: inline SVG line charts and tables, no script and nothing loaded from elsewhere.

export interface Series {
  name: string;
  color: string;
  /** [x, y]; a null y breaks the line. */
  points: [number, number | null][];
  dashed?: boolean;
}

/** A stretch of the x axis shaded behind the lines, e.g. while a fault lasted. */
export interface Band {
  from: number;
  to: number;
  label: string;
  color: string;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  bands?: Band[];
  width?: number;
  height?: number;
}

export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A step of 1, 2, 2.5 or 5 times a power of ten, at least `x`: ticks people can read. */
export function niceStep(x: number): number {
  if (!(x > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= x) return m * power;
  return 10 * power;
}

/** An axis from 0 to a multiple of a nice step at or above `max`, in about `ticks` steps. */
export function niceAxis(max: number, ticks: number): { max: number; step: number } {
  const step = niceStep((max > 0 ? max : 1) / ticks);
  return { max: Math.max(step, Math.ceil((max > 0 ? max : 1) / step - 1e-9) * step), step };
}

const fmt = (n: number) => (Math.abs(n) >= 100 || Number.isInteger(n) ? String(Math.round(n)) : n.toFixed(1));

/** A line chart as an inline <svg>. */
export function lineChart({
  title,
  xLabel,
  yLabel,
  series,
  bands = [],
  width = 860,
  height = 280,
}: ChartOptions): string {
  const margin = { left: 64, right: 16, top: 30, bottom: 44 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const xs = [...series.flatMap((s) => s.points.map(([x]) => x)), ...bands.map((b) => b.to)];
  const ys = series.flatMap((s) => s.points.map(([, y]) => y).filter((y): y is number => y !== null));
  const x = niceAxis(
    xs.reduce((m, v) => Math.max(m, v), 0),
    10,
  );
  const y = niceAxis(ys.reduce((m, v) => Math.max(m, v), 0) * 1.05, 5);
  const xMax = x.max;
  const yMax = y.max;
  const px = (x: number) => margin.left + (x / xMax) * plotW;
  const py = (y: number) => margin.top + plotH - (y / yMax) * plotH;
  const parts: string[] = [];
  // Presentation attributes rather than the page's CSS, so the SVG also reads right on its own.
  parts.push(`<text x="${margin.left}" y="18" font-size="13" font-weight="600">${escapeHtml(title)}</text>`);
  for (const b of bands) {
    const x0 = px(b.from);
    const w = Math.max(1, px(b.to) - x0);
    parts.push(
      `<rect x="${x0.toFixed(1)}" y="${margin.top}" width="${w.toFixed(1)}" height="${plotH}" fill="${b.color}" fill-opacity="0.18"><title>${escapeHtml(b.label)}</title></rect>`,
      `<text x="${(x0 + 9).toFixed(1)}" y="${margin.top + plotH - 4}" font-size="9" transform="rotate(-90 ${(x0 + 9).toFixed(1)} ${margin.top + plotH - 4})">${escapeHtml(b.label)}</text>`,
    );
  }
  for (let v = 0; v <= yMax + 1e-9; v += y.step) {
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${py(v)}" y2="${py(v)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${py(v) + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  for (let v = 0; v <= xMax + 1e-9; v += x.step) {
    parts.push(`<text x="${px(v)}" y="${margin.top + plotH + 16}" text-anchor="middle">${fmt(v)}</text>`);
  }
  parts.push(
    `<text x="${margin.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
    `<text x="14" y="${margin.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${margin.top + plotH / 2})">${escapeHtml(yLabel)}</text>`,
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  );
  for (const s of series) {
    let d = '';
    let pen = false;
    for (const [px0, py0] of s.points) {
      if (py0 === null) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${px(px0).toFixed(1)},${py(py0).toFixed(1)}`;
      pen = true;
    }
    const dash = s.dashed ? ' stroke-dasharray="5 4"' : '';
    if (d) parts.push(`<path d="${d}" stroke="${s.color}" fill="none" stroke-width="1.8"${dash}/>`);
  }
  let lx = margin.left + 8;
  for (const s of series) {
    parts.push(`<rect x="${lx}" y="${margin.top + 6}" width="12" height="3" fill="${s.color}"/>`);
    parts.push(`<text x="${lx + 16}" y="${margin.top + 11}">${escapeHtml(s.name)}</text>`);
    lx += 24 + s.name.length * 7;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="11" fill="#333" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">${parts.join('')}</svg>`;
}

/** A table from rows of cells (already strings); the first row is the header. */
export function table(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const [head, ...body] = rows;
  const cell = (tag: string, v: string | number | null | undefined) =>
    `<${tag}>${escapeHtml(v === null || v === undefined ? '–' : String(v))}</${tag}>`;
  return `<table><thead><tr>${(head ?? []).map((v) => cell('th', v)).join('')}</tr></thead><tbody>${body
    .map((r) => `<tr>${r.map((v) => cell('td', v)).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A whole page around the given sections (HTML strings). */
export function page(title: string, sections: readonly string[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:960px}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}
td:first-child,th:first-child{text-align:left}
svg{display:block;margin:8px 0;font-size:11px}svg text{fill:#333}svg .title{font-size:13px;font-weight:600}
svg .grid{stroke:#e5e5e5}svg .frame{fill:none;stroke:#999}
.ok{color:#137333}.bad{color:#b3261e}code{background:#f3f3f3;padding:0 3px}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${sections.join('\n')}
</body></html>
`;
}

/** Colours that stay apart for a handful of lines. */
export const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
