import { afinnValence } from './natural-en';
import { segmentChinese, tokenizeEnglish } from './tokenize';

const EN_INTENSIFIERS = new Set([
  'very', 'so', 'extremely', 'totally', 'absolutely', 'completely', 'utterly', 'really', 'seriously',
  'ridiculous', 'worst', 'never', 'ever', 'unacceptable', 'horrible', 'terrible', 'disgusting', 'outrageous',
]);
const ZH_INTENSIFIERS = ['非常', '太', '极其', '特别', '超级', '简直', '根本', '完全', '实在', '真是', '再也', '绝对', '一点也', '最'];
// Strong words a Chinese complainant uses; AFINN plays this role in English.
const ZH_STRONG = ['垃圾', '骗子', '欺骗', '气死', '愤怒', '恶心', '坑人', '坑爹', '失望', '无语', '后悔', '差劲', '太差', '离谱', '投诉', '黑心', '忽悠', '骗人'];

/** Surface cues of emotional intensity, each scaled to 0..1. */
export interface IntensityCues {
  exclamation: number;
  caps: number;
  intensifiers: number;
  lexicon: number;
}

/** Measures exclamation marks, shouting, intensifiers and lexicon strength in a text. */
export function intensityCues(text: string, lang: 'zh' | 'en', englishSurface?: string[]): IntensityCues {
  const exclamations = (text.match(/[!！]/g) ?? []).length;
  const latinWords = text.match(/[A-Za-z]{3,}/g) ?? [];
  const shouted = latinWords.filter((w) => w === w.toUpperCase() && !/^X+$/.test(w)).length;
  let intensifiers = 0;
  let lexicon = 0;
  if (lang === 'en') {
    const toks = englishSurface ?? tokenizeEnglish(text, false);
    let hits = 0;
    let strength = 0;
    for (const t of toks) {
      if (EN_INTENSIFIERS.has(t)) intensifiers++;
      const v = afinnValence(t);
      if (v !== 0) {
        hits++;
        strength += Math.abs(v);
      }
    }
    // Mean strength of the sentiment words, and how dense they are.
    lexicon = hits ? Math.min(1, (strength / hits / 5) * Math.min(1, hits / 3)) : 0;
  } else {
    const words = segmentChinese(text);
    for (const w of words) if (ZH_INTENSIFIERS.includes(w)) intensifiers++;
    const strong = ZH_STRONG.filter((w) => text.includes(w)).length;
    lexicon = Math.min(1, strong / 2);
  }
  return {
    exclamation: Math.min(1, exclamations / 3),
    caps: latinWords.length >= 3 ? Math.min(1, (shouted / latinWords.length) * 2) : 0,
    intensifiers: Math.min(1, intensifiers / 2),
    lexicon,
  };
}

/**
 * Intensity 0..1: how strongly the customer feels, whatever the polarity. Model confidence in the
 * polarity carries most weight; surface cues (!!!, CAPS, "absolutely", 垃圾) add to it.
 */
export function sentimentIntensity(polarityStrength: number, cues: IntensityCues): number {
  const x = 0.4 * polarityStrength + 0.2 * cues.exclamation + 0.15 * cues.caps + 0.1 * cues.intensifiers + 0.15 * cues.lexicon;
  return Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000;
}
