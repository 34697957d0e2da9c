import { triageText, type TriageInput, type TriageModels, type TriageResult } from '../nlp';
import type { FewShotClassifier } from '../nlp/fewshot';
import { PRIORITIES, type Priority } from '../shared/constants';
import { hasCategory, type Taxonomy } from '../taxonomy/taxonomy';
import { compileRules, type CompiledRules, type RuleVerdict, type TriageRules } from './rules';

/** What one triage decision needs: the taxonomy in force (with its rules compiled), models and threshold. */
export interface TriageContext {
  taxonomy: Taxonomy;
  taxonomyVersion: number;
  rules: CompiledRules;
  models: TriageModels;
  /** Below this confidence the category is a guess: the complaint waits for a supervisor. */
  confidenceThreshold: number;
  /** The taxonomy classifier (few-shot over sentence embeddings) of this version, and its name. */
  classifier?: { name: string; model: FewShotClassifier };
}

/** What the taxonomy classifier read in one complaint (computed before the decision: it runs the encoder). */
export interface TaxonomyPrediction {
  label: string;
  confidence: number;
  /** The classifier's name (`t<taxonomy version>-m<n>`). */
  model: string;
}

/** Builds the context for a taxonomy version (compile once per version: the triage activity caches it). */
export function triageContext(rules: TriageRules, taxonomy: Taxonomy, taxonomyVersion: number, models: TriageModels, confidenceThreshold: number, classifier?: TriageContext['classifier']): TriageContext {
  return { taxonomy, taxonomyVersion, rules: compileRules(rules, taxonomy), models, confidenceThreshold, classifier };
}

/** Runs the context's taxonomy classifier on one complaint's text; undefined when the context has none. */
export async function predictTaxonomy(ctx: TriageContext, text: string): Promise<TaxonomyPrediction | undefined> {
  if (!ctx.classifier) return undefined;
  const [p] = await ctx.classifier.model.predict([text]);
  return p && { label: p.label, confidence: Math.round(p.confidence * 10_000) / 10_000, model: ctx.classifier.name };
}

export interface TriageDecision {
  category: string;
  /** Which rule or model decided the category, for the auditor. */
  decidedBy: string;
  /** 1 when a rule decided; the model's own confidence otherwise; 0 when its label is no category of ours. */
  confidence: number;
  /** The category is a best guess below the threshold: keep it, but route nothing until a supervisor confirms. */
  needsHumanTriage: boolean;
  priority: Priority;
  priorityReasons: string[];
  model: TriageResult;
  verdict: RuleVerdict;
}

const moreUrgent = (a: Priority, b: Priority): Priority => (PRIORITIES.indexOf(a) <= PRIORITIES.indexOf(b) ? a : b);

/**
 * Category: a risk rule that makes it obvious (a fire is a safety hazard) first, then the taxonomy
 * classifier where it is sure, then the taxonomy's keywords, then the classifier's guess. Without a
 * classifier (a context built without the encoder), the keywords, then the
 * airline reason model within its domain, then the category models, whose labels map through
 * `modelCategories`; a label that maps to no category of the taxonomy falls back with confidence 0, so
 * it is never routed as if known.
 */
function decideCategory(ctx: TriageContext, verdict: RuleVerdict, model: TriageResult, taxonomy?: TaxonomyPrediction): Pick<TriageDecision, 'category' | 'decidedBy' | 'confidence'> {
  if (verdict.forcedCategory) return { category: verdict.forcedCategory.label, decidedBy: `risk_rule:${verdict.forcedCategory.reason}`, confidence: 1 };
  // The taxonomy classifier learns the company's own categories from their examples and corrections, in
  // any language, and reads the whole complaint: where it is sure, it decides. A keyword is one word of
  // it ("payment" in "the app crashes on the payment page"): it decides only where the classifier is
  // unsure, and the classifier's guess where no keyword matches either (then a person confirms it).
  const learnt = taxonomy && hasCategory(ctx.taxonomy, taxonomy.label) ? { category: taxonomy.label, decidedBy: `fewshot:${taxonomy.model}:${taxonomy.label}:${taxonomy.confidence}`, confidence: taxonomy.confidence } : undefined;
  if (learnt && learnt.confidence >= ctx.confidenceThreshold) return learnt;
  if (verdict.category) return { category: verdict.category.label, decidedBy: `rule:${verdict.category.hits.join(',')}`, confidence: 1 };
  if (learnt) return learnt;
  // The airline reason model, where it is trusted (an English complaint about air travel, confident): a
  // lost bag is a delivery matter, which the CFPB-trained category model would call a credit card.
  const reason = model.reason && ctx.rules.reasonCategories[model.reason.label];
  if (model.reason && reason && hasCategory(ctx.taxonomy, reason)) return { category: reason, decidedBy: `model:reason-en:${model.reason.label}:${model.reason.confidence}`, confidence: model.reason.confidence };
  const decidedBy = `model:${model.category.model}:${model.category.label}:${model.category.confidence}`;
  const mapped = ctx.rules.modelCategories[model.category.label] ?? model.category.label;
  if (hasCategory(ctx.taxonomy, mapped)) return { category: mapped, decidedBy, confidence: model.category.confidence };
  return { category: ctx.taxonomy.fallbackCategory, decidedBy, confidence: 0 };
}

/**
 * Triages one complaint: the rules' verdict and the models' reading combined into category, priority
 * and whether a person must confirm the category. Pure: the same context and input give the same result.
 * Priority is raised only by the rules (each with its reason code) and by the model signals that are
 * sure and in their domain (see src/nlp/triage.ts MODEL_DOMAINS); the more urgent side wins.
 */
export function decideTriage(ctx: TriageContext, input: TriageInput, taxonomy?: TaxonomyPrediction): TriageDecision {
  const text = [input.subject, input.body].filter((s) => s && s.trim()).join('\n');
  const verdict = ctx.rules.evaluate(text);
  const model = triageText(ctx.models, input);
  const category = decideCategory(ctx, verdict, model, taxonomy);
  const rule = verdict.priority;
  // A sure category may carry a floor of its own (a data leak is at least P2, whatever words it uses).
  const sure = category.confidence >= ctx.confidenceThreshold;
  const floor = sure ? ctx.taxonomy.categories.find((c) => c.id === category.category)?.priorityFloor : undefined;
  const ruled = rule ? moreUrgent(rule.level, model.priority) : model.priority;
  const priority = floor ? moreUrgent(floor, ruled) : ruled;
  const reasons = [...verdict.matched.map((m) => `${m.reason}:${m.hits.join(',')}`), ...(floor && moreUrgent(floor, ruled) === floor && floor !== ruled ? [`category_floor:${category.category}`] : []), ...model.priorityReasons];
  return {
    ...category,
    needsHumanTriage: category.confidence < ctx.confidenceThreshold,
    priority,
    priorityReasons: [...new Set(reasons.length ? reasons : ['default'])],
    model,
    verdict,
  };
}
