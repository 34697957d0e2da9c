import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyText } from '../../../src/nlp/classifier';
import type { LabelledText } from '../../../src/nlp/csv';
import { loadModel, modelToJson, quantizeWeights, saveModel } from '../../../src/nlp/model-io';
import { heldOutRows, trainTextClassifier } from '../../../src/nlp/train';

const rows: LabelledText[] = [];
for (let i = 0; i < 60; i++) {
  rows.push({ text: `my card was charged twice for order ${i}, refund please`, label: 'billing' });
  rows.push({ text: `the parcel ${i} never arrived, delivery is late`, label: 'delivery' });
  rows.push({ text: `快递太慢了 第${i}次 物流不动`, label: 'delivery' });
}

const train = () =>
  trainTextClassifier(rows, {
    name: 'toy',
    spec: { lang: 'en', hashBits: 18, wordNgrams: 2, charNgrams: [2, 3], lexicon: false },
    seed: 5,
    holdout: 0.2,
    minDf: 1,
    grid: [{ learningRate: 0.3, l2: 1e-6 }],
    epochs: 5,
  });

const dir = mkdtempSync(join(tmpdir(), 'nlp-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('model files', () => {
  it('round-trips through save and load with the same predictions', async () => {
    const { model, heldOut } = train();
    expect(heldOut?.accuracy).toBe(1);
    const path = join(dir, 'toy.json');
    await saveModel(model, path);
    const loaded = await loadModel(path);
    expect(loaded.labels).toEqual(['billing', 'delivery']);
    for (const text of ['charged twice, refund', 'delivery late, parcel missing']) {
      const a = classifyText(model, text);
      const b = classifyText(loaded, text);
      expect(b.label).toBe(a.label);
      expect(b.confidence).toBeCloseTo(a.confidence, 6);
    }
    expect(classifyText(loaded, 'refund the double charge on my card').label).toBe('billing');
  });

  it('is byte-identical when trained twice with the same seed', () => {
    expect(modelToJson(train().model)).toBe(modelToJson(train().model));
  });

  it('re-derives the held-out rows from the recorded seed and ratio', () => {
    const { model, heldOut } = train();
    expect(heldOutRows(rows, model.training)).toHaveLength(heldOut!.n);
    expect(heldOut!.n).toBe(36);
  });

  it('quantises to int8 with per-class scales', () => {
    const { q, scales } = quantizeWeights([0.5, -2, -0.25, 1], 2);
    expect(Array.from(q)).toEqual([127, -127, -64, 64]);
    expect(scales[0]).toBeCloseTo(0.5 / 127, 6);
  });

  it('refuses a file that is not a model', async () => {
    const { writeFile } = await import('node:fs/promises');
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ format: 'something-else' }));
    await expect(loadModel(path)).rejects.toThrow(/not a complaint-desk/);
  });
});
