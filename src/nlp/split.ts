import { hashString } from './prng';

/** Row indices of a train / held-out split. */
export interface Split {
  train: number[];
  test: number[];
}

/**
 * Stratified split that depends only on (seed, text, label) and not on row order: within each
 * label, rows are ordered by a seeded hash of their text and the first `ratio` share is held out.
 * Eval can therefore re-derive exactly the rows training never saw from the same CSV.
 */
export function stratifiedSplit(rows: { text: string; label: string }[], ratio: number, seed: number): Split {
  const byLabel = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const list = byLabel.get(r.label) ?? [];
    list.push(i);
    byLabel.set(r.label, list);
  });
  const keyOf = rows.map((r) => hashString(r.text, (seed * 2654435761) >>> 0));
  const testSet = new Set<number>();
  for (const idxs of byLabel.values()) {
    idxs.sort((a, b) => (keyOf[a] as number) - (keyOf[b] as number) || a - b);
    const take = Math.round(idxs.length * ratio);
    for (let i = 0; i < take; i++) testSet.add(idxs[i] as number);
  }
  const train: number[] = [];
  const test: number[] = [];
  rows.forEach((_, i) => (testSet.has(i) ? test : train).push(i));
  return { train, test };
}
