import type { Db } from '../src/db/client';
import { currentTaxonomyVersion, getTaxonomy } from '../src/db/queries/taxonomy';
import { activeTaxonomyModel, activeTaxonomyModelName, categoryCorrections, storeTaxonomyModel } from '../src/db/queries/taxonomy-models';
import type { Embedder } from '../src/nlp/embedding';
import { loadFewShot, type FewShotClassifier } from '../src/nlp/fewshot';
import type { Taxonomy } from '../src/taxonomy/taxonomy';
import { candidateWins, heldBackAccuracy, splitCorrections, taxonomyExamples, trainTaxonomyClassifier } from '../src/triage/taxonomy-learning';

export interface NamedClassifier {
  name: string;
  model: FewShotClassifier;
}

export interface LearningDeps {
  db: Db;
  embedder?: Embedder;
}

/** What one turn of the learning loop did. */
export interface RetrainOutcome {
  trained: boolean;
  /** The candidate's name, when one was trained. */
  name?: string;
  active?: boolean;
  accuracy?: number | null;
  previousAccuracy?: number | null;
  corrections: number;
  heldBack: number;
  decision: string;
}

/** Trains, judges and stores one model of a taxonomy version; the caller says how it may become active. */
async function train(db: Db, embedder: Embedder, version: number, taxonomy: Taxonomy, createdBy: string, judge: (candidateAccuracy: number | undefined, heldBack: Parameters<typeof heldBackAccuracy>[1]) => Promise<{ mode: 'initial' | 'activate' | 'keep'; decision: string; previousAccuracy?: number }>) {
  const { train: learnt, heldBack } = splitCorrections(taxonomy, await categoryCorrections(db, taxonomy.categories.map((c) => c.id)));
  const model = await trainTaxonomyClassifier(taxonomy, learnt, embedder);
  const accuracy = await heldBackAccuracy(model, heldBack);
  const verdict = await judge(accuracy, heldBack);
  const row = await storeTaxonomyModel(
    db,
    { taxonomyVersion: version, examples: taxonomyExamples(taxonomy).length, corrections: learnt.length, heldBack: heldBack.length, accuracy: accuracy ?? null, previousAccuracy: verdict.previousAccuracy ?? null, decision: verdict.decision, model: JSON.stringify(model.toJSON()), createdBy },
    verdict.mode,
  );
  return { row, model, accuracy, heldBack: heldBack.length, corrections: learnt.length, ...verdict };
}

/**
 * The taxonomy classifier in force for a taxonomy version: the active model, loaded when its name
 * changed; for a version that has none yet, the initial model, trained from the taxonomy's examples and
 * the corrections so far (one training per version per worker at a time; across workers the database
 * keeps the first).
 */
export function taxonomyClassifier(db: Db, embedder: Embedder) {
  const training = new Map<number, Promise<unknown>>();
  return async function classifierFor(version: number, taxonomy: Taxonomy, current?: NamedClassifier): Promise<NamedClassifier> {
    for (;;) {
      const name = await activeTaxonomyModelName(db, version);
      if (name && current?.name === name) return current;
      const row = name ? await activeTaxonomyModel(db, version) : undefined;
      if (row) return { name: row.name, model: loadFewShot(JSON.parse(row.model), embedder) };
      let pending = training.get(version);
      if (!pending) {
        pending = train(db, embedder, version, taxonomy, 'triage', async () => ({ mode: 'initial', decision: 'initial' })).finally(() => training.delete(version));
        training.set(version, pending);
      }
      await pending;
    }
  };
}

/** The learning loop's activity: retrains the taxonomy classifier when corrections have come in. */
export function createLearningActivities({ db, embedder }: LearningDeps) {
  return {
    /**
     * Retrains the classifier of the current taxonomy version from its examples and the corrections
     * outside the held-back slice, once at least `minCorrections` new ones came in since the active model
     * (or always, with `force`). The candidate becomes active only if it is not worse than the active
     * model on the held-back corrections; either way it is kept, named, for the record and a roll back.
     */
    async retrainTaxonomyModel(req: { minCorrections: number; force?: boolean; actor?: string }): Promise<RetrainOutcome> {
      if (!embedder) return { trained: false, corrections: 0, heldBack: 0, decision: 'no sentence encoder on this worker' };
      const version = await currentTaxonomyVersion(db);
      const doc = version === undefined ? undefined : await getTaxonomy(db, version);
      if (!doc) return { trained: false, corrections: 0, heldBack: 0, decision: 'no taxonomy yet' };
      const active = await activeTaxonomyModel(db, doc.version);
      const { train: learnt, heldBack } = splitCorrections(doc.document, await categoryCorrections(db, doc.document.categories.map((c) => c.id)));
      const fresh = learnt.length + heldBack.length - (active ? active.corrections + active.heldBack : 0);
      if (active && !req.force && fresh < req.minCorrections) {
        return { trained: false, corrections: learnt.length, heldBack: heldBack.length, decision: `${fresh} new corrections since ${active.name}, fewer than ${req.minCorrections}` };
      }
      const r = await train(db, embedder, doc.version, doc.document, req.actor ?? 'learning-loop', async (candidate, slice) => {
        if (!active) return { mode: 'initial', decision: 'initial' };
        const previous = await heldBackAccuracy(loadFewShot(JSON.parse(active.model), embedder), slice);
        return candidateWins(candidate, previous) ? { mode: 'activate', decision: `not worse than ${active.name}`, previousAccuracy: previous } : { mode: 'keep', decision: `worse than ${active.name}`, previousAccuracy: previous };
      });
      return { trained: Boolean(r.row), name: r.row?.name, active: r.row?.active, accuracy: r.accuracy ?? null, previousAccuracy: r.previousAccuracy ?? null, corrections: r.corrections, heldBack: r.heldBack, decision: r.decision };
    },
  };
}
