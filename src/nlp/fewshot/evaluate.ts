import type { Embedder } from '../embedding/encoder';
import { evaluate } from '../metrics';
import { createRng, shuffleInPlace } from '../prng';
import { trainFewShot, type FewShotOptions, type LabelledText } from './fewshot';

/** N examples per label, chosen by a seeded shuffle within each label (all of a label's rows when it has fewer). */
export function sampleShots(rows: LabelledText[], shots: number, seed: number): LabelledText[] {
  const byLabel = new Map<string, LabelledText[]>();
  for (const r of rows) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r]);
  const rng = createRng(seed);
  const out: LabelledText[] = [];
  for (const label of [...byLabel.keys()].sort()) out.push(...shuffleInPlace(byLabel.get(label)!, rng).slice(0, shots));
  return out;
}

export interface FewShotEvalResult {
  accuracy: number;
  macroF1: number;
  n: number;
  shots: number;
  seeds: number;
  /** Test texts classified per second (embedding included) on the first seed, whose texts were not cached. */
  textsPerSecond: number;
  /** Expected calibration error of the top-1 confidence (10 equal-width bins), mean over seeds. */
  ece: number;
  perSeed: { seed: number; accuracy: number; macroF1: number; ece: number; seconds: number }[];
}

/** Expected calibration error: the gap between confidence and accuracy, weighted over 10 bins. */
export function expectedCalibrationError(confidences: number[], correct: boolean[]): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, conf: 0, hits: 0 }));
  confidences.forEach((c, i) => {
    const b = bins[Math.min(9, Math.floor(c * 10))]!;
    b.n++;
    b.conf += c;
    if (correct[i]) b.hits++;
  });
  return bins.reduce((sum, b) => sum + (b.n === 0 ? 0 : (b.n / confidences.length) * Math.abs(b.conf / b.n - b.hits / b.n)), 0);
}

/**
 * The few-shot protocol of `npm run eval:fewshot`: per seed, a taxonomy from N random examples per
 * label of `train`, then top-1 on every `test` row (no abstention); means over seeds.
 */
export async function evaluateFewShot(
  train: LabelledText[],
  test: LabelledText[],
  embedder: Embedder,
  {
    shots,
    seeds,
    options = {},
    labelNames = true,
    log = () => {},
  }: { shots: number; seeds: number; options?: FewShotOptions; labelNames?: boolean; log?: (line: string) => void },
): Promise<FewShotEvalResult> {
  const perSeed: FewShotEvalResult['perSeed'] = [];
  // A taxonomy's category ids are also its names: "card_arrival" is one more example, "card arrival".
  if (labelNames && !options.labelTexts) {
    options = { ...options, labelTexts: Object.fromEntries([...new Set(train.map((r) => r.label))].map((l) => [l, [l.replaceAll('_', ' ')]])) };
  }
  let textsPerSecond = 0;
  for (let s = 1; s <= seeds; s++) {
    const examples = sampleShots(train, shots, s);
    const model = await trainFewShot(examples, embedder, { ...options, seed: s });
    const started = performance.now();
    const predictions = await model.predict(test.map((r) => r.text));
    const seconds = (performance.now() - started) / 1000;
    if (s === 1) textsPerSecond = test.length / Math.max(seconds, 1e-9);
    const e = evaluate(test.map((r) => r.label), predictions.map((p) => p.label));
    const ece = expectedCalibrationError(
      predictions.map((p) => p.confidence),
      predictions.map((p, i) => p.label === test[i]!.label),
    );
    perSeed.push({ seed: s, accuracy: e.accuracy, macroF1: e.macroF1, ece, seconds });
    log(`seed ${s}: ${examples.length} examples, accuracy ${e.accuracy.toFixed(4)}, macro-F1 ${e.macroF1.toFixed(4)}, ECE ${ece.toFixed(4)}, ${seconds.toFixed(1)} s`);
  }
  const mean = (f: (x: (typeof perSeed)[number]) => number): number => perSeed.reduce((a, x) => a + f(x), 0) / Math.max(1, perSeed.length);
  return { accuracy: mean((x) => x.accuracy), macroF1: mean((x) => x.macroF1), ece: mean((x) => x.ece), n: test.length, shots, seeds, textsPerSecond, perSeed };
}
