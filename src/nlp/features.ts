import { FNV_OFFSET, fnvStep, hashFinish, hashString } from './prng';
import { afinnValence, naturalSentiment, stem } from './natural-en';
import { normalizeText, tokenizeChinese, tokenizeEnglish } from './tokenize';

/** How a model turns text into features; stored in the model so inference matches training. */
export interface FeatureSpec {
  lang: 'en' | 'zh';
  /** log2 of the hash space: collisions are rare at 2^20 and only kept buckets are stored. */
  hashBits: number;
  /** Word n-grams from 1 to this (1 = unigrams only). */
  wordNgrams: number;
  /** Character n-gram range over the normalised text, or null for none. */
  charNgrams: [number, number] | null;
  /** Adds AFINN lexicon features (English sentiment). */
  lexicon: boolean;
}

/** A sparse bag of hashed features: bucket id → raw count. */
export type FeatureCounts = Map<number, number>;

/**
 * Per-text memo of the expensive steps (normalising, tokenising, stemming), so several models
 * reading the same complaint do that work once.
 */
export class TextMemo {
  private norm?: string;
  private en?: string[];
  private enSurface?: string[];
  private zh?: string[];
  constructor(readonly text: string) {}
  get normalized(): string {
    return (this.norm ??= normalizeText(this.text));
  }
  get englishTokens(): string[] {
    // Stemming the surface tokens gives exactly tokenizeEnglish(text) without tokenising twice.
    return (this.en ??= this.englishSurface.map((w) => (/^[a-z]/.test(w) ? stem(w) : w)));
  }
  get englishSurface(): string[] {
    return (this.enSurface ??= tokenizeEnglish(this.text, false));
  }
  get chineseTokens(): string[] {
    return (this.zh ??= tokenizeChinese(this.text));
  }
}

function add(counts: FeatureCounts, bucket: number, weight = 1): void {
  counts.set(bucket, (counts.get(bucket) ?? 0) + weight);
}

function addWordNgrams(counts: FeatureCounts, tokens: string[], maxN: number, mask: number): void {
  for (let i = 0; i < tokens.length; i++) {
    add(counts, hashString('w' + tokens[i]) & mask);
    let gram = tokens[i] as string;
    for (let n = 2; n <= maxN && i + n <= tokens.length; n++) {
      gram += ' ' + tokens[i + n - 1];
      add(counts, hashString(`${n}${gram}`) & mask);
    }
  }
}

/** Character n-grams hashed incrementally (no substring allocation): the hot loop of inference. */
function addCharNgrams(counts: FeatureCounts, text: string, [minN, maxN]: [number, number], mask: number): void {
  const padded = ` ${text} `;
  const L = padded.length;
  const start = fnvStep(FNV_OFFSET, 0x63); // 'c': keeps char grams apart from word features
  for (let i = 0; i < L; i++) {
    let h = start;
    for (let n = 1; n <= maxN && i + n <= L; n++) {
      const code = padded.charCodeAt(i + n - 1);
      h = fnvStep(h, code);
      if (n >= minN && !(n === 1 && code === 0x20)) add(counts, hashFinish(h) & mask);
    }
  }
}

/**
 * Lexicon cues for sentiment: binned AFINN sums (with a 3-word negation window) and natural's
 * SentimentAnalyzer mean. Bins turn scores into indicators a linear model weighs without scaling.
 */
function addLexicon(counts: FeatureCounts, surfaceTokens: string[], mask: number): void {
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < surfaceTokens.length; i++) {
    const v = afinnValence(surfaceTokens[i] as string);
    if (v === 0) continue;
    let negated = false;
    for (let k = Math.max(0, i - 3); k < i; k++) {
      const p = surfaceTokens[k] as string;
      if (p === 'not' || p === 'no' || p === 'never' || p.endsWith("n't")) negated = true;
    }
    const sv = negated ? -v / 2 : v;
    if (sv > 0) pos += sv;
    else neg -= sv;
  }
  const bin = (x: number): string => (x === 0 ? '0' : x <= 2 ? '1' : x <= 5 ? '2' : x <= 9 ? '3' : '4');
  add(counts, hashString('Lpos' + bin(pos)) & mask, 2);
  add(counts, hashString('Lneg' + bin(neg)) & mask, 2);
  const nat = naturalSentiment(surfaceTokens);
  add(counts, hashString('Lnat' + (nat < -0.15 ? '-' : nat > 0.15 ? '+' : '0')) & mask, 2);
}

/** Extracts hashed feature counts from a text (or a memo of it) according to the spec. */
export function extractFeatures(text: string | TextMemo, spec: FeatureSpec): FeatureCounts {
  const memo = typeof text === 'string' ? new TextMemo(text) : text;
  const mask = 2 ** spec.hashBits - 1;
  const counts: FeatureCounts = new Map();
  addWordNgrams(counts, spec.lang === 'en' ? memo.englishTokens : memo.chineseTokens, spec.wordNgrams, mask);
  if (spec.charNgrams) addCharNgrams(counts, memo.normalized, spec.charNgrams, mask);
  if (spec.lexicon) addLexicon(counts, memo.englishSurface, mask);
  return counts;
}
