/** Language of a complaint as the triage sees it. */
export type Language = 'zh' | 'en' | 'mixed';

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /[A-Za-z]+/g;

/** Counts Han characters and Latin words: the two units that carry about one word of meaning each. */
export function scriptCounts(text: string): { han: number; latinWords: number } {
  const han = text.match(HAN)?.length ?? 0;
  // Product codes and masks ("iPhone", "XXXX") are common inside Chinese text; count words, not letters,
  // so one model name does not outweigh a sentence of Chinese.
  const latinWords = (text.match(LATIN_WORD) ?? []).filter((w) => !/^X{2,}$/.test(w)).length;
  return { han, latinWords };
}

/**
 * zh / en / mixed by script ratio. A Chinese word is about 1.5 Han characters, so Han counts are
 * scaled before comparing with Latin words; each side needs at least 80% to be called pure.
 */
export function detectLanguage(text: string): Language {
  const { han, latinWords } = scriptCounts(text);
  const zh = han / 1.5;
  const total = zh + latinWords;
  if (total === 0) return 'en';
  const share = zh / total;
  if (share >= 0.8) return 'zh';
  if (share <= 0.2) return 'en';
  return 'mixed';
}

/** The dominant script decides which models read a mixed text. */
export function dominantLanguage(text: string): 'zh' | 'en' {
  const { han, latinWords } = scriptCounts(text);
  return han / 1.5 > latinWords ? 'zh' : 'en';
}
