import { describe, expect, it } from 'vitest';
import { loadTaxonomyFile } from '../../src/taxonomy/taxonomy';
import { candidateWins, HELD_BACK_SHARE, isHeldBack, splitCorrections, taxonomyExamples } from '../../src/triage/taxonomy-learning';

const taxonomy = loadTaxonomyFile();
const corrections = Array.from({ length: 2000 }, (_, i) => ({ complaintId: `c${i}`, text: `complaint ${i}`, label: i % 2 ? 'billing' : 'delivery' }));

describe('the learning loop never judges a model on what it learnt from', () => {
  it('held-back and training corrections are disjoint, about a fifth held back, each complaint always on one side', () => {
    const { train, heldBack } = splitCorrections(taxonomy, corrections);
    const trained = new Set(train.map((c) => c.complaintId));
    expect(heldBack.filter((c) => trained.has(c.complaintId))).toEqual([]);
    expect(train.length + heldBack.length).toBe(corrections.length);
    expect(heldBack.length / corrections.length).toBeGreaterThan(HELD_BACK_SHARE - 0.03);
    expect(heldBack.length / corrections.length).toBeLessThan(HELD_BACK_SHARE + 0.03);
    // Later corrections do not move earlier ones across: the split is a function of the complaint alone.
    const more = splitCorrections(taxonomy, [...corrections, ...corrections.slice(0, 50).map((c) => ({ ...c, complaintId: `${c.complaintId}-new` }))]);
    expect(more.heldBack.filter((c) => !c.complaintId.endsWith('-new'))).toEqual(heldBack);
  });

  it('a complaint corrected twice counts once, with its latest category, on its fixed side', () => {
    const id = corrections.find((c) => isHeldBack(c))!.complaintId;
    const { train, heldBack } = splitCorrections(taxonomy, [
      { complaintId: id, text: 't', label: 'billing' },
      { complaintId: id, text: 't', label: 'refunds' },
    ]);
    expect(train).toEqual([]);
    expect(heldBack).toEqual([{ complaintId: id, text: 't', label: 'refunds' }]);
  });

  it('corrections to categories the taxonomy no longer has are left out; its own examples always train', () => {
    const { train, heldBack } = splitCorrections(taxonomy, [{ complaintId: 'x1', text: 't', label: 'warranty' }]);
    expect([...train, ...heldBack]).toEqual([]);
    expect(new Set(taxonomyExamples(taxonomy).map((e) => e.label))).toEqual(new Set(taxonomy.categories.map((c) => c.id)));
  });

  it('a candidate wins when not worse on the held-back slice, or when there is nothing to judge by', () => {
    expect(candidateWins(0.8, 0.8)).toBe(true);
    expect(candidateWins(0.79, 0.8)).toBe(false);
    expect(candidateWins(undefined, 0.8)).toBe(true);
  });
});
