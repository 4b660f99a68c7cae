import type { EvalReport } from './run-eval.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

/** Pads columns to their widest cell; the first column left-aligned, numbers right-aligned. */
function renderTable(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const line = (r: string[]) =>
    r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  const [head, ...body] = rows;
  return [line(head ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The human report: one row per preset and crop mode, then what indexing the gallery cost. */
export function formatReport(report: EvalReport): string {
  const s = report.set;
  const header = `Labelled set: ${s.source} (${s.format}) — ${s.galleryImages} gallery photos of ${s.items} items, ${s.queries} queries${s.withBbox ? `, ${s.withBbox} with a crop box` : ''}`;
  const rows = [['preset', 'query', 'R@1', 'R@5', 'R@10', 'R@20', 'MRR@20', 'embed p50/p95 ms', 'search p50/p95 ms']];
  for (const r of report.results) {
    for (const run of r.runs) {
      const m = run.metrics;
      const l = run.latencyMs;
      rows.push([
        r.preset,
        run.cropped ? 'cropped' : 'whole',
        pct(m.recall['1']),
        pct(m.recall['5']),
        pct(m.recall['10']),
        pct(m.recall['20']),
        m.mrr.toFixed(3),
        `${ms(l.embed.p50)} / ${ms(l.embed.p95)}`,
        `${ms(l.search.p50)} / ${ms(l.search.p95)}`,
      ]);
    }
  }
  const gallery = report.results.map(
    (r) =>
      `${r.preset} (${r.fingerprint}, ${r.dim}-d, ${r.device}): model load ${ms(r.loadMs)} ms; gallery embedded at ${r.gallery.imagesPerSecond.toFixed(1)} photos/s, indexed in ${ms(r.gallery.indexMs)} ms`,
  );
  return [header, '', renderTable(rows), '', ...gallery].join('\n');
}
