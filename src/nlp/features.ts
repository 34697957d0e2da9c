import { FNV_OFFSET, fnvStep, hashFinish, hashString } from './prng';
import { afinnValence, ENGLISH_STOPWORDS, naturalSentiment, stem } from './natural-en';
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
  /**
   * Drops natural's English stopwords before word n-grams. Worth it for long narratives, where
   * "I was", "of the" bigrams swamp the topical ones; absent in older models (= false).
   */
  stopwords?: boolean;
  /**
   * L2-normalises the word n-grams and the character n-grams (with the lexicon cues) separately,
   * as scikit-learn's union of two vectorisers does. Under one joint norm the char grams, several
   * times as many, drown the words. Absent in older models (= one joint norm).
   */
  blockNorm?: boolean;
}

/** A text's hashed features with sublinear TF (1 + ln count) applied, in first-seen order. */
export interface TermFrequencies {
  buckets: Int32Array;
  tf: Float64Array;
  /** The first `words` entries came from word n-grams, the rest from char grams and the lexicon. */
  words: number;
}

/**
 * Open-addressing bucket → count table, reused from text to text. A Map per text, walked once per
 * model, was a fifth of the inference time for tweet-length texts.
 */
class CountTable {
  private keys = new Int32Array(0);
  private counts = new Float64Array(0);
  private order = new Int32Array(0);
  private size = 0;
  private mask = 0;

  constructor(capacity = 2048) {
    this.allocate(capacity);
  }

  private allocate(capacity: number): void {
    this.keys = new Int32Array(capacity).fill(-1);
    this.counts = new Float64Array(capacity);
    this.order = new Int32Array(capacity >> 1); // load factor ≤ 0.5 keeps probes short
    this.mask = capacity - 1;
    this.size = 0;
  }

  add(bucket: number, weight: number): void {
    let slot = (Math.imul(bucket, 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      const k = this.keys[slot] as number;
      if (k === bucket) {
        this.counts[slot] = (this.counts[slot] as number) + weight;
        return;
      }
      if (k === -1) break;
      slot = (slot + 1) & this.mask;
    }
    if (this.size === this.order.length) {
      this.grow();
      this.add(bucket, weight);
      return;
    }
    this.keys[slot] = bucket;
    this.counts[slot] = weight;
    this.order[this.size++] = slot;
  }

  private grow(): void {
    const { keys, counts, order, size } = this;
    this.allocate(keys.length * 2);
    // Re-inserted in first-seen order, which the word / char block boundary relies on.
    for (let i = 0; i < size; i++) this.add(keys[order[i] as number] as number, counts[order[i] as number] as number);
  }

  /** Distinct buckets so far. */
  get count(): number {
    return this.size;
  }

  /** Returns the features in first-seen order and empties the table for the next text. */
  drain(words: number): TermFrequencies {
    const buckets = new Int32Array(this.size);
    const tf = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) {
      const slot = this.order[i] as number;
      const c = this.counts[slot] as number;
      buckets[i] = this.keys[slot] as number;
      tf[i] = c === 1 ? 1 : 1 + Math.log(c);
      this.keys[slot] = -1;
    }
    this.size = 0;
    return { buckets, tf, words };
  }
}

// Extraction is synchronous and never re-entered, so one scratch table serves every call.
const scratch = new CountTable();

/**
 * Per-text memo of the expensive steps (normalising, tokenising, stemming), so several models
 * reading the same complaint do that work once.
 */
export class TextMemo {
  private norm?: string;
  private en?: string[];
  private enSurface?: string[];
  private zh?: string[];
  private enContent?: string[];
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
  /** Stemmed English tokens without natural's stopwords (judged on the surface form). */
  get englishContentTokens(): string[] {
    if (this.enContent) return this.enContent;
    const surface = this.englishSurface;
    const stems = this.englishTokens;
    return (this.enContent = stems.filter((_, i) => !ENGLISH_STOPWORDS.has(surface[i] as string)));
  }
  get chineseTokens(): string[] {
    return (this.zh ??= tokenizeChinese(this.text));
  }
}

function add(counts: CountTable, bucket: number, weight = 1): void {
  counts.add(bucket, weight);
}

function addWordNgrams(counts: CountTable, tokens: string[], maxN: number, mask: number): void {
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
function addCharNgrams(counts: CountTable, text: string, [minN, maxN]: [number, number], mask: number): void {
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
function addLexicon(counts: CountTable, surfaceTokens: string[], mask: number): void {
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

/** Extracts hashed features from a text (or a memo of it) according to the spec. */
export function extractFeatures(text: string | TextMemo, spec: FeatureSpec): TermFrequencies {
  const memo = typeof text === 'string' ? new TextMemo(text) : text;
  const mask = 2 ** spec.hashBits - 1;
  const counts = scratch;
  const words = spec.lang === 'zh' ? memo.chineseTokens : spec.stopwords ? memo.englishContentTokens : memo.englishTokens;
  addWordNgrams(counts, words, spec.wordNgrams, mask);
  // Word grams are added first, so the first-seen order puts them ahead of everything else.
  const wordEntries = counts.count;
  if (spec.charNgrams) addCharNgrams(counts, memo.normalized, spec.charNgrams, mask);
  if (spec.lexicon) addLexicon(counts, memo.englishSurface, mask);
  return counts.drain(wordEntries);
}
