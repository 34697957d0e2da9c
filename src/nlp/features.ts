import { hashString } from './prng';
import { afinnValence, naturalSentiment } from './natural-en';
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

function add(counts: FeatureCounts, key: string, weight = 1): void {
  const b = hashString(key);
  counts.set(b, (counts.get(b) ?? 0) + weight);
}

function addWordNgrams(counts: FeatureCounts, tokens: string[], maxN: number): void {
  for (let i = 0; i < tokens.length; i++) {
    add(counts, 'w' + tokens[i]);
    let gram = tokens[i] as string;
    for (let n = 2; n <= maxN && i + n <= tokens.length; n++) {
      gram += ' ' + tokens[i + n - 1];
      add(counts, `${n}${gram}`);
    }
  }
}

function addCharNgrams(counts: FeatureCounts, text: string, [minN, maxN]: [number, number]): void {
  const chars = Array.from(` ${text} `);
  for (let n = minN; n <= maxN; n++) {
    for (let i = 0; i + n <= chars.length; i++) {
      let g = 'c';
      for (let k = 0; k < n; k++) g += chars[i + k];
      // A gram of spaces only says nothing.
      if (g.trim().length > 1) add(counts, g);
    }
  }
}

/**
 * Lexicon cues for sentiment: binned AFINN sum and natural's SentimentAnalyzer mean. Bins turn a
 * score into indicator features a linear model can weigh without scaling issues.
 */
function addLexicon(counts: FeatureCounts, surfaceTokens: string[]): void {
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < surfaceTokens.length; i++) {
    const v = afinnValence(surfaceTokens[i] as string);
    if (v === 0) continue;
    const prev = surfaceTokens.slice(Math.max(0, i - 3), i);
    const negated = prev.some((p) => p === 'not' || p === 'no' || p === 'never' || p.endsWith("n't"));
    const sv = negated ? -v / 2 : v;
    if (sv > 0) pos += sv;
    else neg -= sv;
  }
  const bin = (x: number): string => (x === 0 ? '0' : x <= 2 ? '1' : x <= 5 ? '2' : x <= 9 ? '3' : '4');
  add(counts, 'Lpos' + bin(pos), 2);
  add(counts, 'Lneg' + bin(neg), 2);
  const nat = naturalSentiment(surfaceTokens);
  add(counts, 'Lnat' + (nat < -0.15 ? '-' : nat > 0.15 ? '+' : '0'), 2);
}

/** Extracts hashed feature counts from a text according to the spec. */
export function extractFeatures(text: string, spec: FeatureSpec): FeatureCounts {
  const counts: FeatureCounts = new Map();
  const tokens = spec.lang === 'en' ? tokenizeEnglish(text) : tokenizeChinese(text);
  addWordNgrams(counts, tokens, spec.wordNgrams);
  if (spec.charNgrams) addCharNgrams(counts, normalizeText(text), spec.charNgrams);
  if (spec.lexicon) addLexicon(counts, tokenizeEnglish(text, false));
  const mask = (1 << spec.hashBits) - 1;
  if (spec.hashBits >= 32) return counts;
  const folded: FeatureCounts = new Map();
  for (const [b, c] of counts) {
    const k = b & mask;
    folded.set(k, (folded.get(k) ?? 0) + c);
  }
  return folded;
}
