import { describe, expect, it } from 'vitest';
import { bucketIndex, vectorize } from '../../../src/nlp/classifier';
import { extractFeatures, type FeatureSpec } from '../../../src/nlp/features';

const EN: FeatureSpec = { lang: 'en', hashBits: 20, wordNgrams: 2, charNgrams: [2, 4], lexicon: false };

/** bucket → raw count, recovered from sublinear TF (1 + ln c). */
const counts = (f: { buckets: Int32Array; tf: Float64Array }) => new Map([...f.buckets].map((b, i) => [b, Math.round(Math.exp((f.tf[i] as number) - 1))]));

describe('extractFeatures', () => {
  it('counts every feature once per occurrence, also past the table growing several times', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`);
    const text = `${words.join(' ')} ${words.slice(0, 10).join(' ')}`;
    const f = extractFeatures(text, { ...EN, charNgrams: null });
    expect(new Set(f.buckets).size).toBe(f.buckets.length);
    // Unigrams of the first ten words occur twice; tf = 1 + ln 2 for them.
    expect([...f.tf].filter((t) => Math.abs(t - (1 + Math.log(2))) < 1e-12).length).toBeGreaterThanOrEqual(10);
    expect(f.buckets.length).toBeGreaterThan(5000);
  });

  it('leaves nothing behind for the next text', () => {
    const a1 = counts(extractFeatures('my card was stolen', EN));
    extractFeatures('a completely different and much longer text about a lost parcel and a refund', EN);
    const a2 = counts(extractFeatures('my card was stolen', EN));
    expect(a2).toEqual(a1);
  });

  it('drops stopwords before word n-grams only when the spec asks for it', () => {
    const spec = { ...EN, charNgrams: null };
    const plain = extractFeatures('I was charged for the card', spec);
    const content = extractFeatures('I was charged for the card', { ...spec, stopwords: true });
    expect(content.buckets.length).toBeLessThan(plain.buckets.length);
    expect(extractFeatures('charged card', spec).buckets).toEqual(content.buckets);
  });
});

describe('vectorize with blockNorm', () => {
  it('gives the word block and the char block unit length each', () => {
    const f = extractFeatures('my card was stolen yesterday', EN);
    expect(f.words).toBeGreaterThan(0);
    expect(f.words).toBeLessThan(f.buckets.length);
    const index = bucketIndex(Int32Array.from([...f.buckets].sort((a, b) => a - b)), EN.hashBits);
    const idf = new Float32Array(f.buckets.length).fill(1);
    const norm = (vals: Float64Array) => Math.sqrt(vals.reduce((a, v) => a + v * v, 0));
    const joint = vectorize(f, index, idf);
    expect(norm(joint.val)).toBeCloseTo(1, 12);
    const split = vectorize(f, index, idf, true);
    expect(norm(split.val.subarray(0, f.words))).toBeCloseTo(1, 12);
    expect(norm(split.val.subarray(f.words))).toBeCloseTo(1, 12);
  });
});
