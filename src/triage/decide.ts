import { triageText, type TriageInput, type TriageModels, type TriageResult } from '../nlp';
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
}

/** Builds the context for a taxonomy version (compile once per version: the triage activity caches it). */
export function triageContext(rules: TriageRules, taxonomy: Taxonomy, taxonomyVersion: number, models: TriageModels, confidenceThreshold: number): TriageContext {
  return { taxonomy, taxonomyVersion, rules: compileRules(rules, taxonomy), models, confidenceThreshold };
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
 * Category: a risk rule that makes it obvious (a fire is a safety hazard) first, then the taxonomy's
 * keywords, then the airline reason model within its domain, then the category models, whose labels map through `modelCategories`; a label that maps to no
 * category of the taxonomy falls back with confidence 0, so it is never routed as if known.
 */
function decideCategory(ctx: TriageContext, verdict: RuleVerdict, model: TriageResult): Pick<TriageDecision, 'category' | 'decidedBy' | 'confidence'> {
  if (verdict.forcedCategory) return { category: verdict.forcedCategory.label, decidedBy: `risk_rule:${verdict.forcedCategory.reason}`, confidence: 1 };
  if (verdict.category) return { category: verdict.category.label, decidedBy: `rule:${verdict.category.hits.join(',')}`, confidence: 1 };
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
export function decideTriage(ctx: TriageContext, input: TriageInput): TriageDecision {
  const text = [input.subject, input.body].filter((s) => s && s.trim()).join('\n');
  const verdict = ctx.rules.evaluate(text);
  const model = triageText(ctx.models, input);
  const category = decideCategory(ctx, verdict, model);
  const rule = verdict.priority;
  const priority = rule ? moreUrgent(rule.level, model.priority) : model.priority;
  const reasons = [...verdict.matched.map((m) => `${m.reason}:${m.hits.join(',')}`), ...model.priorityReasons];
  return {
    ...category,
    needsHumanTriage: category.confidence < ctx.confidenceThreshold,
    priority,
    priorityReasons: [...new Set(reasons.length ? reasons : ['default'])],
    model,
    verdict,
  };
}
