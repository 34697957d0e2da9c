import type { ScoredTerm } from './keywords';

const SENTENCE_END = /(?<=[.!?。！？；;])\s*|\n+/u;

/** Splits text into sentences on Chinese and English end marks and on line breaks. */
export function splitSentences(text: string): string[] {
  return text
    .split(SENTENCE_END)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Collapses CFPB masks ("XXXX XXXX", "XX/XX/2019") so a summary reads cleanly. */
function tidy(sentence: string): string {
  return sentence
    .replace(/\bX{2}\/X{2}\/(\d{2,4}|X{2,4})\b/g, 'a date')
    .replace(/\bX{2,}(?:\s+X{2,})*/g, '…')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Truncates at a word boundary (English) or a character count (Chinese, where every character is
 * a boundary), adding an ellipsis so the reader knows.
 */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max - 1).join('');
  // A cut just before a space is already on a word boundary.
  const space = chars[max - 1] === ' ' ? cut.length : cut.lastIndexOf(' ');
  const base = space > max * 0.6 ? cut.slice(0, space) : cut;
  return `${base.replace(/[\s,，、;；:：]+$/u, '')}…`;
}

/**
 * One-line extractive summary: the sentence whose keywords score highest (per √length, so long
 * sentences do not win by size), with a small bonus for the opening sentence, where complainants
 * usually state the problem.
 */
export function summarize(text: string, terms: ScoredTerm[], maxChars = 120): string {
  const sentences = splitSentences(text);
  if (sentences.length === 0) return '';
  const weights = new Map(terms.slice(0, 20).map((t) => [t.term.toLowerCase(), t.score]));
  let best = sentences[0] as string;
  let bestScore = -Infinity;
  sentences.forEach((s, i) => {
    const lower = s.toLowerCase();
    let score = 0;
    for (const [term, w] of weights) if (lower.includes(term)) score += w;
    const len = Array.from(s).length;
    // Fragments ("Thanks.") rarely summarise anything.
    const norm = score / Math.sqrt(Math.max(len, 20)) + (i === 0 ? 0.15 : 0);
    if (norm > bestScore) {
      bestScore = norm;
      best = s;
    }
  });
  return truncate(tidy(best), maxChars);
}
