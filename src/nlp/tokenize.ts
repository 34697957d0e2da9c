import { naturalWordTokens, stem } from './natural-en';

const URL = /https?:\/\/\S+|www\.\S+/g;
const MENTION = /@\w+/g;
// CFPB masks personal data as XXXX, XX/XX/2019 and {$21000.00}; they carry no topic signal.
const MASK = /\bxx\/xx\/(?:\d{2,4}|x{2,4})\b|\bx{2,}\b/g;
const MONEY = /\{\$[\d,.]+\}/g;
const EMOJI = /\p{Extended_Pictographic}/gu;
const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * Lower-cases and removes what does not generalise across sources: links, @handles (an airline's
 * handle would otherwise become a sentiment cue), masks and amounts.
 */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(URL, ' ')
    .replace(MENTION, ' ')
    .replace(MONEY, ' $ ')
    .replace(MASK, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Marks that carry emotion but no letters: emoji, and runs of ! or ? (as one token each). */
function emotionMarks(text: string): string[] {
  const marks = text.match(EMOJI) ?? [];
  const punct = text.match(/[!！]+|[?？]+/g) ?? [];
  return [...marks, ...punct.map((p) => (p[0] === '!' || p[0] === '！' ? '!' : '?'))];
}

/**
 * English word tokens: natural's AggressiveTokenizer, Porter-stemmed, on normalised text, plus
 * emotion marks. Pass `stemWords: false` for surface forms (keywords, summaries).
 */
export function tokenizeEnglish(text: string, stemWords = true): string[] {
  const norm = normalizeText(text);
  const words = naturalWordTokens(norm)
    .map((w) => w.replace(/^['\-/]+|['\-/]+$/g, ''))
    .filter((w) => w.length > 0);
  const toks = stemWords ? words.map((w) => (/^[a-z]/.test(w) ? stem(w) : w)) : words;
  return toks.concat(emotionMarks(text));
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Chinese words from Intl.Segmenter (ICU dictionary), word-like segments only, lower-cased. */
export function segmentChinese(text: string): string[] {
  const out: string[] = [];
  for (const seg of segmenter.segment(text.toLowerCase())) {
    if (seg.isWordLike) out.push(seg.segment);
  }
  return out;
}

/** Overlapping character bigrams inside each run of Han characters. */
export function hanBigrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(HAN_RUN) ?? []) {
    const chars = Array.from(run);
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  }
  return out;
}

/**
 * Chinese tokens: segmenter words plus emotion marks. Character bigrams are added by the feature
 * extractor (they cover segmentation mistakes on product names and slang).
 */
export function tokenizeChinese(text: string): string[] {
  return segmentChinese(normalizeText(text)).concat(emotionMarks(text));
}

/** Tokens for either language; the ICU segmenter also splits the Latin words of mixed text. */
export function tokenize(text: string, lang: 'zh' | 'en' | 'mixed'): string[] {
  return lang === 'en' ? tokenizeEnglish(text) : tokenizeChinese(text);
}
