import { CHINESE_STOP_CHARS, ENGLISH_STOPWORDS, naturalWordTokens, stem } from '../nlp/natural-en';
import { hanBigrams, normalizeText, segmentChinese } from '../nlp/tokenize';
import { MAX_TERM_LENGTH } from '../shared/text-safety';

const HAN = /\p{Script=Han}+/gu;

/**
 * Search terms for any language, with no language switch: the Latin words of a text as Porter stems
 * without stopwords, and its Chinese as ICU words plus character bigrams (bigrams find product names
 * and slang the segmenter cuts wrongly). Mixed text gets both, so an English query finds the English
 * words in a Chinese article and the other way round. A term longer than MAX_TERM_LENGTH is left out:
 * PostgreSQL's tsvector and tsquery refuse one over 2,047 bytes, and such a "word" is never searched for.
 */
export function searchTerms(text: string): string[] {
  const norm = normalizeText(text);
  const latin = norm.replace(HAN, ' ');
  const english = naturalWordTokens(latin)
    .filter((w) => w.length > 1 && w.length <= MAX_TERM_LENGTH && !ENGLISH_STOPWORDS.has(w))
    .map((w) => (/^[a-z]/.test(w) ? stem(w) : w));
  const hanText = (norm.match(HAN) ?? []).join(' ');
  if (!hanText) return english;
  const words = segmentChinese(hanText).filter((w) => w.length <= MAX_TERM_LENGTH && !(w.length === 1 && CHINESE_STOP_CHARS.has(w)));
  return english.concat(words, hanBigrams(hanText).map((b) => `${b}\u0002`));
}
