import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyText } from '../../../src/nlp/classifier';
import type { LabelledText } from '../../../src/nlp/csv';
import { loadModel, modelToJson, saveModel } from '../../../src/nlp/model-io';
import { createRng } from '../../../src/nlp/prng';
import { stratifiedSplit } from '../../../src/nlp/split';
import { trainTextClassifier, type TrainOptions } from '../../../src/nlp/train';

// Three labels whose texts share most words, so the sparse side is unsure and the vectors matter.
const LABELS = ['billing', 'delivery', 'quality'];
const CUES: Record<string, string[]> = {
  billing: ['charged', 'invoice', 'refund', '扣款'],
  delivery: ['parcel', 'courier', 'late', '快递'],
  quality: ['broken', 'cracked', 'faulty', '质量'],
};
const rng = createRng(11);
const pick = <T>(xs: T[]): T => xs[Math.floor(rng() * xs.length)]!;
const rows: LabelledText[] = [];
const vectors: Float32Array[] = [];
for (let i = 0; i < 240; i++) {
  const label = LABELS[i % 3]!;
  // One word in four carries the label; the rest is shared filler.
  const words = Array.from({ length: 6 }, () => (rng() < 0.25 ? pick(CUES[label]!) : pick(['my', 'order', 'please', 'help', 'the', 'again', '订单', '客服'])));
  rows.push({ text: `${words.join(' ')} #${i}`, label });
  // A 16-d "sentence vector": the label's direction plus noise.
  const v = Float32Array.from({ length: 16 }, (_, d) => (d === LABELS.indexOf(label) ? 0.5 : 0) + (rng() - 0.5) * 0.8);
  vectors.push(v);
}

const options = (embeddings: Float32Array[], split: TrainOptions['split']): TrainOptions => ({
  name: 'isolation',
  spec: { lang: 'en', hashBits: 18, wordNgrams: 2, charNgrams: [2, 3], lexicon: false },
  seed: 3,
  holdout: 0.25,
  minDf: 1,
  grid: [
    { learningRate: 0.1, l2: 1e-6 },
    { learningRate: 0.3, l2: 1e-6 },
  ],
  epochs: 4,
  dense: {
    encoder: 'test-vectors',
    embeddings,
    grid: [
      { optimizer: 'adagrad', hidden: 0, epochs: 4, learningRate: 0.1, l2: 1e-6 },
      { optimizer: 'adam', hidden: 8, epochs: 4, learningRate: 0.01, l2: 0, dropout: 0.2 },
    ],
    // No 0: the head is always part of the model, so its weights, temperature and blend are compared too.
    blendGrid: [0.3, 0.7],
  },
  split,
});

/** Everything fitted: the file without the held-out figures and the fingerprint of all rows. */
function fitted(json: string): unknown {
  const m = JSON.parse(json) as { training: Record<string, unknown> };
  delete m.training.heldOut;
  delete m.training.fingerprint;
  return m;
}

/** The held-out rows replaced by other words, other labels and other vectors. */
function poisoned(test: number[]): { rows: LabelledText[]; vectors: Float32Array[] } {
  const held = new Set(test);
  return {
    rows: rows.map((r, i) => (held.has(i) ? { text: `zebra quartz 毒 ${r.label} refund courier ${i}`, label: LABELS[(LABELS.indexOf(r.label) + 1) % 3]! } : r)),
    vectors: vectors.map((v, i) => (held.has(i) ? v.map((x) => -7 * x + 3) : v)),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'nlp-isolation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('held-out rows never reach training', () => {
  const split = stratifiedSplit(rows, 0.25, 3);

  it('vocabulary, IDF, sparse weights, temperatures, dense head and blend are the same whatever the held-out rows say', () => {
    const clean = trainTextClassifier(rows, options(vectors, split));
    const bad = poisoned(split.test);
    const dirty = trainTextClassifier(bad.rows, options(bad.vectors, split));
    expect(clean.model.dense).toBeDefined();
    expect(fitted(modelToJson(dirty.model))).toEqual(fitted(modelToJson(clean.model)));
    // The held-out figures do see the poison: the rows were scored, not fitted.
    expect(dirty.heldOut!.accuracy).toBeLessThan(clean.heldOut!.accuracy);
  });

  it('the poison would show if those rows were trained on (the comparison above can fail)', () => {
    const all = { train: rows.map((_, i) => i), test: [] };
    const bad = poisoned(split.test);
    const a = trainTextClassifier(rows, { ...options(vectors, all), holdout: 0 });
    const b = trainTextClassifier(bad.rows, { ...options(bad.vectors, all), holdout: 0 });
    expect(fitted(modelToJson(b.model))).not.toEqual(fitted(modelToJson(a.model)));
  });

  it('uses the seeded stratified split when none is given, and reports its held-out figures on the vectors', () => {
    const { split: _given, ...rest } = options(vectors, undefined);
    const r = trainTextClassifier(rows, rest);
    expect(r.heldOut!.n).toBe(split.test.length);
    const viaSplit = trainTextClassifier(rows, options(vectors, split));
    expect(modelToJson(r.model)).toBe(modelToJson(viaSplit.model));
  });
});

describe('a model with a dense head', () => {
  const { model } = trainTextClassifier(rows, options(vectors, undefined));

  it('round-trips through its file with the same predictions, with and without the vector', async () => {
    const path = join(dir, 'dense.json');
    await saveModel(model, path);
    const loaded = await loadModel(path);
    expect(loaded.dense?.encoder).toBe('test-vectors');
    for (const i of [0, 1, 2, 100, 201]) {
      const text = rows[i]!.text;
      expect(classifyText(loaded, text, vectors[i]).probabilities).toEqual(classifyText(model, text, vectors[i]).probabilities);
      expect(classifyText(loaded, text).probabilities).toEqual(classifyText(model, text).probabilities);
    }
  });

  it('without the vector answers as its sparse side alone; with it, the blend moves the answer', () => {
    const sparseOnly = { ...model, dense: undefined };
    let moved = 0;
    rows.forEach((r, i) => {
      expect(classifyText(model, r.text).probabilities).toEqual(classifyText(sparseOnly, r.text).probabilities);
      if (classifyText(model, r.text, vectors[i]).label !== classifyText(model, r.text).label) moved++;
    });
    expect(moved).toBeGreaterThan(0);
  });

  it('is byte-identical when trained twice', () => {
    expect(modelToJson(trainTextClassifier(rows, options(vectors, undefined)).model)).toBe(modelToJson(model));
  });

  it('refuses a dense file whose head is damaged', async () => {
    const json = JSON.parse(modelToJson(model)) as { format: string; dense: { w2: string } };
    expect(json.format).toBe('complaint-desk/linear-text-classifier@2');
    json.dense.w2 = json.dense.w2.slice(0, 8);
    const { writeFile } = await import('node:fs/promises');
    const path = join(dir, 'damaged.json');
    await writeFile(path, JSON.stringify(json));
    await expect(loadModel(path)).rejects.toThrow(/dense w2 has the wrong size/);
  });
});
