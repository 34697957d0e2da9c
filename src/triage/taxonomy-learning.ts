import type { Embedder } from '../nlp/embedding';
import { trainFewShot, type FewShotClassifier, type LabelledText } from '../nlp/fewshot';
import { hashString } from '../nlp/prng';
import type { Taxonomy } from '../taxonomy/taxonomy';

/** A supervisor's correction as the learning loop sees it: the complaint's text and its right category. */
export interface CorrectionExample {
  complaintId: string;
  text: string;
  label: string;
}

/**
 * Share of corrections held back from training to judge each candidate. A correction's side is fixed by
 * a hash of its complaint id, so the slice only grows as corrections come in and a candidate is never
 * judged on what it learnt from.
 */
export const HELD_BACK_SHARE = 0.2;

/** Whether this correction is in the held-back slice (stable: the same complaint is always on one side). */
export const isHeldBack = (c: Pick<CorrectionExample, 'complaintId'>): boolean => (hashString(`held-back:${c.complaintId}`) >>> 0) % 1000 < HELD_BACK_SHARE * 1000;

/** The taxonomy's own examples, one labelled text each. */
export const taxonomyExamples = (t: Taxonomy): LabelledText[] => t.categories.flatMap((c) => c.examples.map((text) => ({ text, label: c.id })));

/** Each category's names in both languages and its description: extra examples that name the category. */
export const categoryNames = (t: Taxonomy): Record<string, string[]> => Object.fromEntries(t.categories.map((c) => [c.id, [c.name.en, c.name.zh, c.description]]));

/** Corrections to categories the taxonomy still has, split into what trains and what judges. */
export function splitCorrections(t: Taxonomy, corrections: CorrectionExample[]): { train: CorrectionExample[]; heldBack: CorrectionExample[] } {
  const known = new Set(t.categories.map((c) => c.id));
  // A complaint corrected twice counts once, with its latest category.
  const latest = new Map<string, CorrectionExample>();
  for (const c of corrections) if (known.has(c.label)) latest.set(c.complaintId, c);
  const all = [...latest.values()];
  return { train: all.filter((c) => !isHeldBack(c)), heldBack: all.filter(isHeldBack) };
}

/** Trains the taxonomy classifier from the taxonomy's examples and names plus the training corrections. */
export function trainTaxonomyClassifier(t: Taxonomy, train: CorrectionExample[], embedder: Embedder): Promise<FewShotClassifier> {
  return trainFewShot([...taxonomyExamples(t), ...train.map(({ text, label }) => ({ text, label }))], embedder, { labelTexts: categoryNames(t) });
}

/** Top-1 accuracy on held-back corrections; undefined when there are none to judge by. */
export async function heldBackAccuracy(model: FewShotClassifier, heldBack: CorrectionExample[]): Promise<number | undefined> {
  if (heldBack.length === 0) return undefined;
  const predictions = await model.predict(heldBack.map((c) => c.text));
  return predictions.filter((p, i) => p.label === heldBack[i]!.label).length / heldBack.length;
}

/**
 * Whether a candidate replaces the active model: only if it is not worse on the held-back corrections
 * (with none held back yet, it has more to go on than the model it replaces, so it does).
 */
export const candidateWins = (candidate: number | undefined, active: number | undefined): boolean => candidate === undefined || active === undefined || candidate >= active;
