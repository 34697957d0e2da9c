import { rowOf, type TextClassifier } from './classifier';
import { CHINESE_STOP_CHARS, ENGLISH_STOPWORDS, stem } from './natural-en';
import { hashString } from './prng';
import { segmentChinese, tokenizeEnglish } from './tokenize';

// natural's Chinese list is single characters; keywords are words, so these are the common empty ones.
const ZH_STOPWORDS = new Set([
  '我们', '你们', '他们', '这个', '那个', '一个', '没有', '不是', '就是', '还是', '可以', '因为', '所以', '但是',
  '而且', '然后', '如果', '虽然', '已经', '还有', '什么', '怎么', '这么', '那么', '这样', '一下', '一些', '自己',
  '觉得', '感觉', '比较', '现在', '时候', '知道', '东西', '问题', '之后', '以后', '一直', '一次', '非常', '真的',
  '不过', '这次', '这种', '只是', '其实', '可能', '应该', '还是', '大家', '的话', '不能', '不会', '一样',
]);
const EN_EXTRA_STOPWORDS = new Set(['xxxx', 'xx', 'also', 'would', 'could', 'told', 'said', 'get', 'got', 'one', 'even', 'amp', 'just']);

const maxIdfCache = new WeakMap<TextClassifier, number>();
function maxIdf(model: TextClassifier): number {
  let max = maxIdfCache.get(model);
  if (max === undefined) {
    max = 1;
    for (const v of model.idf) if (v > max) max = v;
    maxIdfCache.set(model, max);
  }
  return max;
}

/** IDF of a word unigram in a classifier's background table; unseen words count as rare. */
export function wordIdf(model: TextClassifier, key: string): number {
  const bucket = hashString('w' + key) & ((1 << model.spec.hashBits) - 1);
  const j = rowOf(model, bucket);
  return j < 0 ? maxIdf(model) : (model.idf[j] as number);
}

/** A keyword with its score and the surface form shown to people. */
export interface ScoredTerm {
  term: string;
  score: number;
}

/** English candidate terms: content words, keyed by stem, shown in their most frequent surface form. */
function englishTerms(text: string, background: TextClassifier, surface?: string[]): ScoredTerm[] {
  const counts = new Map<string, { n: number; forms: Map<string, number> }>();
  for (const w of surface ?? tokenizeEnglish(text, false)) {
    if (w.length < 3 || !/^[a-z][a-z'-]*$/.test(w) || ENGLISH_STOPWORDS.has(w) || EN_EXTRA_STOPWORDS.has(w)) continue;
    const s = stem(w);
    const entry = counts.get(s) ?? { n: 0, forms: new Map<string, number>() };
    entry.n++;
    entry.forms.set(w, (entry.forms.get(w) ?? 0) + 1);
    counts.set(s, entry);
  }
  const out: ScoredTerm[] = [];
  for (const [s, { n, forms }] of counts) {
    const form = [...forms.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? s;
    out.push({ term: form, score: (1 + Math.log(n)) * wordIdf(background, s) });
  }
  return out;
}

/** Chinese candidate terms: segmenter words of two or more characters (or Latin names). */
function chineseTerms(text: string, background: TextClassifier): ScoredTerm[] {
  const counts = new Map<string, number>();
  for (const w of segmentChinese(text)) {
    const han = /^\p{Script=Han}{2,}$/u.test(w);
    const latin = /^[a-z][a-z0-9]{2,}$/.test(w);
    // Words made only of function characters (我在, 就是) say nothing about the complaint.
    const allStop = han && Array.from(w).every((c) => CHINESE_STOP_CHARS.has(c));
    if ((!han && !latin) || ZH_STOPWORDS.has(w) || allStop) continue;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts.entries()].map(([term, n]) => ({ term, score: (1 + Math.log(n)) * wordIdf(background, term) }));
}

/**
 * Scores candidate terms by TF-IDF against the background document frequencies stored in a
 * category model (complaint-domain corpora), best first; ties break alphabetically.
 */
export function scoreTerms(text: string, lang: 'zh' | 'en', background: TextClassifier, englishSurface?: string[]): ScoredTerm[] {
  const terms = lang === 'en' ? englishTerms(text, background, englishSurface) : chineseTerms(text, background);
  return terms.sort((a, b) => b.score - a.score || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
}

/** Top keywords of a text. */
export function extractKeywords(text: string, lang: 'zh' | 'en', background: TextClassifier, limit = 5): string[] {
  return scoreTerms(text, lang, background)
    .slice(0, limit)
    .map((t) => t.term);
}
