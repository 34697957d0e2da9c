import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { classifyFeatures, probabilityOf, SENTENCE_ENCODER, type Prediction, type TextClassifier } from './classifier';
import { extractFeatures, TextMemo, type TermFrequencies } from './features';
import { classifyZhIntent } from './intent-zh';
import { scoreTerms } from './keywords';
import { detectLanguage, dominantLanguage, type Language } from './language';
import { loadModel } from './model-io';
import { decidePriority, resolveRules, type Priority, type PriorityRules } from './priority';
import { intensityCues, sentimentIntensity } from './sentiment';
import { summarize } from './summary';

/** The six shipped classifiers. */
export interface TriageModels {
  categoryEn: TextClassifier;
  categoryZh: TextClassifier;
  intentEn: TextClassifier;
  reasonEn: TextClassifier;
  sentimentEn: TextClassifier;
  sentimentZh: TextClassifier;
}

/** What the service passes in. */
export interface TriageInput {
  subject?: string;
  body: string;
  /** Customer tags such as "Older American", "Servicemember". */
  customerTags?: string[];
  /** Complaints this customer made before (the service counts them). */
  priorComplaints?: number;
  rules?: Partial<PriorityRules>;
  /**
   * The sentence vector (Universal Sentence Encoder) of subject and body joined by a line break, when
   * the caller has the encoder: models with a dense head then read it too; without it they answer from
   * their n-grams alone.
   */
  embedding?: ArrayLike<number>;
}

/** Everything the triage says about one complaint. */
export interface TriageResult {
  language: Language;
  category: { label: string; confidence: number; model: string };
  /** `inDomain`: the label comes from a model of this text's domain (banking77 for English) or rules (Chinese). */
  intent: { label: string; confidence: number; inDomain: boolean };
  sentiment: { label: 'negative' | 'neutral' | 'positive'; score: number; intensity: number };
  /** The airline complaint reason: only for an English, negative complaint about air travel, when confident. */
  reason?: { label: string; confidence: number };
  priority: Priority;
  priorityReasons: string[];
  keywords: string[];
  summary: string;
}

/** Where the shipped models live, relative to this module (works from src and from a checkout). */
export const SHIPPED_MODELS_DIR = fileURLToPath(new URL('./models', import.meta.url));

const FILES: Record<keyof TriageModels, string> = {
  categoryEn: 'category-en.json',
  categoryZh: 'category-zh.json',
  intentEn: 'intent-en.json',
  reasonEn: 'reason-en.json',
  sentimentEn: 'sentiment-en.json',
  sentimentZh: 'sentiment-zh.json',
};

/** Loads the six models (in parallel) from `dir`, by default the shipped ones. */
export async function loadModels(dir: string = SHIPPED_MODELS_DIR): Promise<TriageModels> {
  const keys = Object.keys(FILES) as (keyof TriageModels)[];
  const loaded = await Promise.all(keys.map((k) => loadModel(join(dir, FILES[k]))));
  return Object.fromEntries(keys.map((k, i) => [k, loaded[i]])) as unknown as TriageModels;
}

/**
 * The English intent model was trained on banking77 and the reason model on tweets to US airlines: each
 * is trusted only on text of its own domain, told by these words (whole words, case-insensitive).
 * Elsewhere their labels are noise (a telecom outage read as `wrong_exchange_rate_for_cash_withdrawal`).
 */
export const MODEL_DOMAINS = {
  banking: ['bank', 'banking', 'card', 'debit', 'credit', 'atm', 'account', 'transfer', 'transferred', 'payment', 'pin', 'withdrawal', 'withdraw', 'cash', 'balance', 'exchange rate', 'top up', 'top-up', 'transaction', 'statement', 'iban', 'wallet', 'apple pay', 'google pay', 'savings', 'checking', 'loan', 'mortgage'],
  airline: ['flight', 'flights', 'airline', 'airlines', 'airport', 'boarding', 'gate', 'luggage', 'baggage', 'checked bag', 'pilot', 'crew', 'flight attendant', 'layover', 'plane', 'aircraft', 'fly', 'flew', 'flying', 'rebooked', 'rebook', 'cancelled flight', 'miles', 'tarmac'],
} as const;
/** The reason model's label is kept only at this confidence or more. */
export const REASON_MIN_CONFIDENCE = 0.5;

const domainPatterns = Object.fromEntries(
  Object.entries(MODEL_DOMAINS).map(([d, words]) => [d, new RegExp(`(?<![a-z0-9])(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?![a-z0-9])`)]),
) as Record<keyof typeof MODEL_DOMAINS, RegExp>;

/** Whether the text speaks of the model's domain. */
export const inModelDomain = (text: string, domain: keyof typeof MODEL_DOMAINS): boolean => domainPatterns[domain].test(text.toLowerCase());

const round = (x: number, places = 4) => Math.round(x * 10 ** places) / 10 ** places;

type FeatureSpecKey = string;
const specKeys = new WeakMap<TextClassifier, FeatureSpecKey>();
const specKey = (m: TextClassifier): FeatureSpecKey => {
  let k = specKeys.get(m);
  if (k === undefined) {
    k = JSON.stringify(m.spec);
    specKeys.set(m, k);
  }
  return k;
};

/** Classifies with feature extraction shared between models whose feature specs are equal. */
function classifierWithCache(memo: TextMemo, embedding?: ArrayLike<number>): (m: TextClassifier) => Prediction {
  const cache = new Map<FeatureSpecKey, TermFrequencies>();
  return (m) => {
    const key = specKey(m);
    let counts = cache.get(key);
    if (!counts) {
      counts = extractFeatures(memo, m.spec);
      cache.set(key, counts);
    }
    return classifyFeatures(m, counts, m.dense?.encoder === SENTENCE_ENCODER ? embedding : undefined);
  };
}

/** Sentiment label and score (-1..1 = P(positive) − P(negative)) from a sentiment model. */
function readSentiment(model: TextClassifier, p: Prediction, lang: 'zh' | 'en') {
  if (lang === 'zh') {
    // The Chinese model is binary (review label 1 / 0); a weak margin reads as neutral.
    const score = 2 * probabilityOf(model, p, '1') - 1;
    const label = score <= -0.2 ? 'negative' : score >= 0.2 ? 'positive' : 'neutral';
    return { label, score } as const;
  }
  const score = probabilityOf(model, p, 'positive') - probabilityOf(model, p, 'negative');
  return { label: p.label as 'negative' | 'neutral' | 'positive', score };
}

/**
 * Triages one complaint: language, category, intent, sentiment with intensity, complaint reason
 * (English, negative only), priority with reasons, keywords and a one-line summary. Pure and
 * synchronous: the same input and models always give the same result.
 */
export function triageText(models: TriageModels, input: TriageInput): TriageResult {
  const text = [input.subject, input.body].filter((s) => s && s.trim()).join('\n');
  const language = detectLanguage(text);
  const lang = language === 'mixed' ? dominantLanguage(text) : language;
  const memo = new TextMemo(text);
  const classify = classifierWithCache(memo, input.embedding);

  const categoryModel = lang === 'en' ? models.categoryEn : models.categoryZh;
  const cat = classify(categoryModel);
  const intent =
    lang === 'en'
      ? (({ label, confidence }) => ({ label, confidence: round(confidence), inDomain: inModelDomain(text, 'banking') }))(classify(models.intentEn))
      : { ...classifyZhIntent(text), inDomain: true };
  const sentimentModel = lang === 'en' ? models.sentimentEn : models.sentimentZh;
  const s = readSentiment(sentimentModel, classify(sentimentModel), lang);
  const intensity = sentimentIntensity(Math.abs(s.score), intensityCues(text, lang, lang === 'en' ? memo.englishSurface : undefined));
  const sentiment = { label: s.label, score: round(s.score), intensity };

  const decision = decidePriority(
    { text, sentiment, intent: intent.label, intentConfidence: intent.confidence, intentInDomain: intent.inDomain, customerTags: input.customerTags ?? [], priorComplaints: input.priorComplaints ?? 0 },
    resolveRules(input.rules),
  );
  const terms = scoreTerms(text, lang, categoryModel, lang === 'en' ? memo.englishSurface : undefined);
  const result: TriageResult = {
    language,
    category: { label: cat.label, confidence: round(cat.confidence), model: categoryModel.name },
    intent,
    sentiment,
    priority: decision.priority,
    priorityReasons: decision.reasons,
    keywords: terms.slice(0, 5).map((t) => t.term),
    summary: summarize(input.body.trim() ? input.body : text, terms, lang === 'zh' ? 60 : 120),
  };
  if (lang === 'en' && sentiment.label === 'negative' && inModelDomain(text, 'airline')) {
    const r = classify(models.reasonEn);
    if (r.confidence >= REASON_MIN_CONFIDENCE) result.reason = { label: r.label, confidence: round(r.confidence) };
  }
  return result;
}
