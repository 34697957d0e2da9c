import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { backtest } from '../analytics/forecast';
import { evaluateClusters, evaluateSpikes, seriesByCategory, type EvalRecord } from '../analytics/detector-eval';
import { parseCsvRecords } from '../nlp/csv';
import { fail } from './stack';

// npm run detector:eval [-- --input <cfpb csv>]: the early-warning detector's false-alarm and
// detection rates on the real CFPB arrival dates, with injected bursts and mass complaints.
function main(): void {
  const { values } = parseArgs({ options: { input: { type: 'string', default: '../shared/data/cfpb_complaints_en.csv' }, trials: { type: 'string', default: '2000' } } });
  const { records } = parseCsvRecords(readFileSync(values.input!, 'utf8'));
  const rows: EvalRecord[] = records.filter((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.date_received ?? '') && r.product).map((r) => ({ day: r.date_received!, category: r.product!, text: r.narrative ?? '' }));
  const trials = Number(values.trials);
  console.log(`CFPB sample: ${rows.length} complaints, ${new Set(rows.map((r) => r.category)).size} products, ${rows.map((r) => r.day).sort()[0]} … ${rows.map((r) => r.day).sort().at(-1)}`);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  for (const compress of [1, 30]) {
    const { series, firstDay } = seriesByCategory(rows, compress);
    const perDay = rows.length / (series.values().next().value?.length ?? 1);
    const r = evaluateSpikes(series, firstDay, compress, [5, 8, 12, 20], trials);
    console.log(`\nvolume spikes, ${compress === 1 ? 'real dates' : `time compressed ×${compress} (one day = ${compress} real days)`}: ${perDay.toFixed(2)} complaints/day over all products`);
    console.log(`  false alarms: ${r.falseAlarms} of ${r.categoryDays} category-days = ${pct(r.falseAlarmRate)}`);
    for (const d of r.detection) console.log(`  burst +${String(d.burst).padStart(2)}: detected ${d.detected}/${d.trials} = ${pct(d.rate)}`);
  }
  // The forecast's backtest on the same dates, compressed ×7 so days carry a few complaints each.
  const { series: weekly } = seriesByCategory(rows, 7);
  const all = [...weekly.values()].reduce((acc, s) => acc.map((v, i) => v + s[i]!));
  const total = backtest(all, 8)!;
  const perProduct = [...weekly.values()].map((s) => backtest(s, 8)!).filter(Boolean);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`\nforecast backtest (Holt-Winters vs seasonal-naive, 8 rolling weeks of 7 days, time compressed ×7; ${mean(all.slice(-56)).toFixed(2)} complaints/day in the tested weeks):`);
  console.log(`  all products: MAE ${total.mae.toFixed(2)}/day vs naive ${total.naiveMae.toFixed(2)}/day`);
  console.log(`  per product (mean of ${perProduct.length}): MAE ${mean(perProduct.map((b) => b.mae)).toFixed(2)}/day vs naive ${mean(perProduct.map((b) => b.naiveMae)).toFixed(2)}/day`);

  const c = evaluateClusters(rows, 30, [3, 5, 8], Math.min(trials, 500));
  console.log(`\nmass complaints (near-duplicate clusters), real texts in ${c.windows} windows of 30 days:`);
  console.log(`  false clusters: ${c.falseClusters} of ${c.windows} windows = ${pct(c.falseClusterRate)}`);
  for (const d of c.detection) console.log(`  ${d.customers} customers, 15% of words dropped each: detected ${d.detected}/${d.trials} = ${pct(d.rate)}`);
}

try {
  main();
} catch (err) {
  fail(err);
}
