/**
 * The parts of natural we use, imported module by module: natural's package index also loads its
 * storage back ends (database drivers, a dotenv banner on stdout), which must never reach our logs.
 */
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer';
import AggressiveTokenizer from 'natural/lib/natural/tokenizers/aggressive_tokenizer';
import SentimentAnalyzer from 'natural/lib/natural/sentiment/SentimentAnalyzer';
import { words as naturalStopwords } from 'natural/lib/natural/util/stopwords';
import { words as naturalStopwordsZh } from 'natural/lib/natural/util/stopwords_zh';

const tokenizer = new AggressiveTokenizer();
// Unstemmed AFINN: we look up surface words so the lexicon strength stays interpretable.
const afinn = new SentimentAnalyzer('English', null, 'afinn');

/** English stopwords from natural (used for keywords, not for classification features). */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(naturalStopwords);

/** natural's Chinese stopwords: single function characters (的, 了, 我, 在 ...). */
export const CHINESE_STOP_CHARS: ReadonlySet<string> = new Set(naturalStopwordsZh);

/** natural's AggressiveTokenizer: splits on anything but letters, digits, ' - /. */
export function naturalWordTokens(text: string): string[] {
  return tokenizer.tokenize(text);
}

const stemCache = new Map<string, string>();
const STEM_CACHE_LIMIT = 200_000;

/** Porter stem with a bounded memo: stemming is regex-heavy and words repeat a lot. */
export function stem(word: string): string {
  const hit = stemCache.get(word);
  if (hit !== undefined) return hit;
  const s = PorterStemmer.stem(word);
  if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
  stemCache.set(word, s);
  return s;
}

/** AFINN-165 valence of a lower-case word (-5..5), 0 when absent. */
export function afinnValence(word: string): number {
  return afinn.vocabulary[word] ?? 0;
}

/** natural's SentimentAnalyzer score: mean AFINN valence over the tokens, with its negation rule. */
export function naturalSentiment(tokens: string[]): number {
  return tokens.length === 0 ? 0 : afinn.getSentiment(tokens);
}
