/** Priorities, P1 most urgent. */
import type { Priority } from '../domain/complaint/vocabulary';
export type { Priority };

/** A rule that lifts priority when any of its terms appears in the text. */
export interface TermRule {
  terms: string[];
  raiseTo: Priority;
}

/**
 * Priority policy: a plain object so callers (the service's config) can override any part.
 * Each rule lifts the priority to at least its level; enough independent serious signals lift
 * one level more. Terms match case-insensitively; Latin terms on word boundaries (so "sue" does
 * not fire on "issue"), Chinese terms as substrings.
 */
export interface PriorityRules {
  base: Priority;
  legal: TermRule;
  regulator: TermRule;
  media: TermRule;
  /** Customer tags (CFPB style) and words that mark a vulnerable customer. */
  vulnerable: { tags: string[]; terms: string[]; raiseTo: Priority };
  /** Prior complaints from the same customer: `atLeast` of them lift to `raiseTo`. */
  repeat: { levels: { atLeast: number; raiseTo: Priority }[] };
  /** Negative sentiment: any negative lifts to `raiseTo`; strong ones (intensity ≥) to `strongRaiseTo`. */
  negative: { raiseTo: Priority; strongIntensity: number; strongRaiseTo: Priority };
  /**
   * Intents that put money or access at risk right now. The intent model knows banking only (banking77):
   * it counts when at least `minConfidence` sure and the text is about banking (see triage.ts), so a
   * telecom outage classified as a card problem raises nothing.
   */
  urgentIntents: { labels: string[]; raiseTo: Priority; minConfidence: number };
  /** With this many distinct signals at P2 or above, go one level higher. */
  stackAt: number;
}

/** Default rules; the service may override any field via `triageText(..., { rules })`. */
export const DEFAULT_PRIORITY_RULES: PriorityRules = {
  base: 'P4',
  legal: {
    terms: ['律师', '起诉', '诉讼', '法院', '法律途径', '仲裁', 'lawyer', 'attorney', 'sue', 'suing', 'lawsuit', 'legal action', 'court', 'litigation', 'class action'],
    raiseTo: 'P1',
  },
  regulator: {
    terms: ['12315', '消协', '消费者协会', '工商', '市场监管', '银保监', '监管部门', '12345', 'cfpb', 'regulator', 'ombudsman', 'attorney general', 'ftc', 'better business bureau', 'bbb', 'dot complaint'],
    raiseTo: 'P1',
  },
  media: {
    terms: ['媒体', '曝光', '记者', '微博', '电视台', '上热搜', 'news', 'journalist', 'reporter', 'media', 'go viral', 'press'],
    raiseTo: 'P2',
  },
  vulnerable: {
    tags: ['Older American', 'Servicemember'],
    terms: ['老人', '老年人', '残疾', '孕妇', 'elderly', 'disabled', 'disability', 'veteran', 'servicemember', 'widow'],
    raiseTo: 'P2',
  },
  repeat: {
    levels: [
      { atLeast: 1, raiseTo: 'P3' },
      { atLeast: 2, raiseTo: 'P2' },
    ],
  },
  negative: { raiseTo: 'P3', strongIntensity: 0.6, strongRaiseTo: 'P2' },
  urgentIntents: {
    labels: ['lost_or_stolen_card', 'compromised_card', 'card_swallowed', 'cash_withdrawal_not_recognised', 'card_payment_not_recognised', 'transaction_charged_twice', 'lost_or_stolen_phone', 'declined_transfer', 'refund'],
    raiseTo: 'P2',
    minConfidence: 0.5,
  },
  stackAt: 3,
};

/** Signals the rules look at. */
export interface PrioritySignals {
  text: string;
  sentiment: { label: 'negative' | 'neutral' | 'positive'; intensity: number };
  intent: string;
  /** The intent model's confidence; undefined for a caller that vouches for the label. */
  intentConfidence?: number;
  /** False when the text lies outside the intent model's domain (its label then raises nothing). */
  intentInDomain?: boolean;
  customerTags?: string[];
  priorComplaints?: number;
}

/** Priority plus why: codes such as `legal_threat:律师` or `repeat_complaint:3`. */
export interface PriorityDecision {
  priority: Priority;
  reasons: string[];
}

const RANK: Record<Priority, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };
const BY_RANK: Priority[] = ['P1', 'P1', 'P2', 'P3', 'P4'];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const patternCache = new Map<string, RegExp | null>();
function termPattern(term: string): RegExp | null {
  let re = patternCache.get(term);
  if (re === undefined) {
    // Latin terms need word boundaries; Chinese has none, so a substring test is right there.
    re = /^[\x20-\x7e]+$/.test(term) ? new RegExp(`(?<![a-z0-9])${escapeRe(term)}(?![a-z0-9])`) : null;
    if (patternCache.size < 10_000) patternCache.set(term, re);
  }
  return re;
}

/** Terms found in the text (already lower-cased when `lowered`), in rule order. */
export function findTerms(text: string, terms: string[], lowered = false): string[] {
  const lower = lowered ? text : text.toLowerCase();
  return terms.filter((t) => {
    const term = t.toLowerCase();
    const re = termPattern(term);
    return re ? re.test(lower) : lower.includes(term);
  });
}

/** Merges partial overrides into the defaults (one level deep: each rule is replaced or kept). */
export function resolveRules(overrides?: Partial<PriorityRules>): PriorityRules {
  return { ...DEFAULT_PRIORITY_RULES, ...(overrides ?? {}) };
}

/**
 * Applies the rules to the signals. Every rule that fires adds a reason, whether or not it
 * changed the outcome, so a handler sees the whole picture.
 */
export function decidePriority(signals: PrioritySignals, rules: PriorityRules = DEFAULT_PRIORITY_RULES): PriorityDecision {
  const lower = signals.text.toLowerCase();
  let rank = RANK[rules.base];
  const reasons: string[] = [];
  let serious = 0;
  const fire = (code: string, to: Priority) => {
    reasons.push(code);
    rank = Math.min(rank, RANK[to]);
    if (RANK[to] <= 2) serious++;
  };
  for (const [code, rule] of [
    ['legal_threat', rules.legal],
    ['regulator', rules.regulator],
    ['media_exposure', rules.media],
  ] as const) {
    const hits = findTerms(lower, rule.terms, true);
    if (hits.length) fire(`${code}:${hits.join(',')}`, rule.raiseTo);
  }
  const tags = (signals.customerTags ?? []).flatMap((t) => t.split(',').map((s) => s.trim()));
  const tagHits = rules.vulnerable.tags.filter((t) => tags.some((c) => c.toLowerCase() === t.toLowerCase()));
  const vulnerableTerms = findTerms(lower, rules.vulnerable.terms, true);
  if (tagHits.length || vulnerableTerms.length) fire(`vulnerable_customer:${[...tagHits, ...vulnerableTerms].join(',')}`, rules.vulnerable.raiseTo);
  const prior = signals.priorComplaints ?? 0;
  const repeatLevel = rules.repeat.levels.filter((l) => prior >= l.atLeast).sort((a, b) => RANK[a.raiseTo] - RANK[b.raiseTo])[0];
  if (repeatLevel) fire(`repeat_complaint:${prior}`, repeatLevel.raiseTo);
  if (signals.sentiment.label === 'negative') {
    const strong = signals.sentiment.intensity >= rules.negative.strongIntensity;
    fire(`${strong ? 'strong_negative_sentiment' : 'negative_sentiment'}:${signals.sentiment.intensity.toFixed(2)}`, strong ? rules.negative.strongRaiseTo : rules.negative.raiseTo);
  }
  const intentTrusted = signals.intentInDomain !== false && (signals.intentConfidence ?? 1) >= rules.urgentIntents.minConfidence;
  if (intentTrusted && rules.urgentIntents.labels.includes(signals.intent)) fire(`urgent_intent:${signals.intent}`, rules.urgentIntents.raiseTo);
  if (serious >= rules.stackAt && rank > 1) {
    rank -= 1;
    reasons.push(`combined_signals:${serious}`);
  }
  if (reasons.length === 0) reasons.push('no_escalation_signal');
  return { priority: BY_RANK[rank] as Priority, reasons };
}

const READABLE: Record<string, string> = {
  legal_threat: 'threatens legal action',
  regulator: 'mentions a regulator or consumer body',
  media_exposure: 'threatens media exposure',
  vulnerable_customer: 'vulnerable customer',
  repeat_complaint: 'repeat complainant (prior complaints)',
  negative_sentiment: 'negative sentiment (intensity)',
  strong_negative_sentiment: 'strongly negative sentiment (intensity)',
  urgent_intent: 'urgent intent',
  combined_signals: 'several serious signals together',
  no_escalation_signal: 'no escalation signal',
};

/** Human-readable form of a reason code, e.g. "threatens legal action: 律师". */
export function explainReason(reason: string): string {
  const at = reason.indexOf(':');
  const code = at < 0 ? reason : reason.slice(0, at);
  const detail = at < 0 ? '' : reason.slice(at + 1);
  const text = READABLE[code] ?? code;
  return detail ? `${text}: ${detail}` : text;
}
