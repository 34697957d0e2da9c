import type { FeatureSpec } from './features';

/** How one shipped model is built from the shared data. */
export interface ModelRecipe {
  name: ModelName;
  file: string;
  textColumn: string;
  labelColumn: string;
  spec: FeatureSpec;
  minDf: number;
  epochs: number;
  grid: { learningRate: number; l2: number }[];
  average: boolean;
  classWeightPower: number;
}

/** The six shipped models. */
export type ModelName = 'category-en' | 'reason-en' | 'sentiment-en' | 'intent-en' | 'category-zh' | 'sentiment-zh';

/** Seed and hold-out share used for every shipped model (eval re-derives the same split). */
export const SHIPPED_SEED = 42;
export const SHIPPED_HOLDOUT = 0.2;

// Lexicon cues in every English char-gram model: one shared extraction serves intent, reason and sentiment.
const EN_WORDS_CHARS: FeatureSpec = { lang: 'en', hashBits: 20, wordNgrams: 2, charNgrams: [2, 4], lexicon: true };
const ZH: FeatureSpec = { lang: 'zh', hashBits: 20, wordNgrams: 2, charNgrams: [1, 3], lexicon: false };
const lrs = (...rates: number[]) => rates.map((learningRate) => ({ learningRate, l2: 1e-6 }));

/**
 * Recipes, chosen on validation splits inside the training part only. Long CFPB narratives use
 * words without character n-grams: thousands of char grams per document drown the topical words.
 */
export const MODEL_RECIPES: readonly ModelRecipe[] = [
  {
    name: 'category-en',
    file: 'cfpb_complaints_en.csv',
    textColumn: 'narrative',
    labelColumn: 'product',
    spec: { lang: 'en', hashBits: 20, wordNgrams: 2, charNgrams: null, lexicon: false, stopwords: true },
    // Every bigram counts: with 960 narratives, most telling phrases occur once in training.
    minDf: 1,
    epochs: 20,
    // 960 training narratives leave a 144-row validation split: too few to choose reliably, so the
    // settings were compared over five seeded hold-out splits (mean accuracy 0.742 before,
    // 0.797 with stopwords dropped, minDf 1, balanced class weights and weight averaging).
    grid: lrs(0.3),
    average: true,
    // Fully balanced: the rare products (student loans, vehicle leases) are otherwise never predicted.
    classWeightPower: 1,
  },
  {
    name: 'reason-en',
    file: 'airline_tweets_en.csv',
    textColumn: 'text',
    labelColumn: 'negativereason',
    spec: EN_WORDS_CHARS,
    minDf: 2,
    epochs: 20,
    grid: lrs(0.03, 0.1, 0.3),
    average: false,
    // Half-balanced: +0.014 mean accuracy over three seeded splits ("Customer Service Issue" no longer swallows the rest).
    classWeightPower: 0.5,
  },
  {
    name: 'sentiment-en',
    file: 'airline_tweets_en.csv',
    textColumn: 'text',
    labelColumn: 'airline_sentiment',
    spec: EN_WORDS_CHARS,
    minDf: 2,
    epochs: 20,
    grid: lrs(0.03, 0.05, 0.1),
    average: false,
    // Half-balanced: +0.002 mean accuracy and +0.01 macro-F1 over three seeded splits.
    classWeightPower: 0.5,
  },
  {
    name: 'intent-en',
    file: 'banking77_intents_en.csv',
    textColumn: 'text',
    labelColumn: 'category',
    spec: EN_WORDS_CHARS,
    minDf: 2,
    epochs: 15,
    grid: lrs(0.1, 0.3, 1),
    average: false,
    classWeightPower: 0,
  },
  {
    name: 'category-zh',
    file: 'shopping_reviews_zh.csv',
    textColumn: 'review',
    labelColumn: 'cat',
    spec: ZH,
    minDf: 5,
    epochs: 10,
    grid: lrs(0.05, 0.2),
    average: false,
    classWeightPower: 0,
  },
  {
    name: 'sentiment-zh',
    file: 'shopping_reviews_zh.csv',
    textColumn: 'review',
    labelColumn: 'label',
    spec: ZH,
    minDf: 5,
    epochs: 10,
    grid: lrs(0.05, 0.2),
    average: false,
    classWeightPower: 0,
  },
];
