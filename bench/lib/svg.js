// A small SVG writer for the report's charts: grouped bar charts with axis,
// gridlines and legend. No dependencies; text is escaped; output is deterministic.

const PALETTE = ['#2563eb', '#60a5fa', '#7c3aed', '#f97316', '#16a34a', '#dc2626', '#0891b2'];

/** @param {string} text */
export function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** A "nice" axis maximum and step: 1, 2 or 5 × 10^k. @param {number} max */
export function niceScale(max, ticks = 5) {
  if (!(max > 0)) return { max: 1, step: 0.2 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  return { max: Math.ceil(max / step) * step, step };
}

/**
 * @param {{
 *   title: string, yLabel: string, categories: string[],
 *   series: { name: string, values: (number | null)[] }[],
 *   format?: (value: number) => string, width?: number, height?: number,
 * }} chart values[i] belongs to categories[i]; null = no bar (target unavailable)
 */
export function barChart(chart) {
  const width = chart.width ?? 760;
  const height = chart.height ?? 380;
  const format = chart.format ?? ((v) => String(Math.round(v * 100) / 100));
  const margin = { top: 48, right: 16, bottom: 64, left: 80 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const all = chart.series.flatMap((s) => s.values).filter((v) => typeof v === 'number');
  const { max, step } = niceScale(Math.max(0, ...(/** @type {number[]} */ (all))));
  const y = (/** @type {number} */ v) => margin.top + plotH - (v / max) * plotH;
  const groupW = plotW / Math.max(1, chart.categories.length);
  const barW = Math.max(2, (groupW * 0.8) / Math.max(1, chart.series.length));
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(chart.title)}</text>`);
  for (let v = 0; v <= max + step / 2; v += step) {
    const yy = y(v).toFixed(1);
    out.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${yy}" y2="${yy}" stroke="#e5e7eb"/>`);
    out.push(`<text x="${margin.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle" fill="#374151">${escapeXml(format(v))}</text>`);
  }
  out.push(`<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#374151">${escapeXml(chart.yLabel)}</text>`);
  chart.categories.forEach((category, i) => {
    const x0 = margin.left + i * groupW + groupW * 0.1;
    chart.series.forEach((series, s) => {
      const value = series.values[i];
      if (typeof value !== 'number') return;
      const x = x0 + s * barW;
      const top = y(value);
      out.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(margin.top + plotH - top).toFixed(1)}" fill="${PALETTE[s % PALETTE.length]}"><title>${escapeXml(`${series.name} · ${category}: ${format(value)}`)}</title></rect>`);
    });
    out.push(`<text x="${(margin.left + i * groupW + groupW / 2).toFixed(1)}" y="${margin.top + plotH + 16}" text-anchor="middle" fill="#111827">${escapeXml(category)}</text>`);
  });
  out.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" stroke="#6b7280"/>`);
  let lx = margin.left;
  const ly = height - 18;
  chart.series.forEach((series, s) => {
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${PALETTE[s % PALETTE.length]}"/>`);
    out.push(`<text x="${lx + 16}" y="${ly}" fill="#111827">${escapeXml(series.name)}</text>`);
    lx += 24 + series.name.length * 7;
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
