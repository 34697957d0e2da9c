/**
 * Mass complaints: many customers writing about the same thing at once (an outage, a recall, a bad
 * batch). Near-duplicate texts are found by Jaccard similarity over shingles: word pairs for
 * space-separated languages, character bigrams for Chinese (which has no spaces). Pure.
 */

export interface ClusterItem {
  id: string;
  customerId: string | null;
  text: string;
}

export interface ClusterOptions {
  /** Two texts are near duplicates at or above this Jaccard similarity of their shingles. */
  similarity: number;
  /** A cluster is a mass complaint when this many different customers are in it. */
  minCustomers: number;
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = { similarity: 0.4, minCustomers: 3 };

const HAN = /\p{Script=Han}/u;

/** The shingle set of a text: lower-cased word bigrams plus Han character bigrams. */
export function shingles(text: string): Set<string> {
  const out = new Set<string>();
  const norm = text.toLowerCase().normalize('NFKC');
  const words = norm.split(/[^\p{L}\p{N}]+/u).filter((w) => w && !HAN.test(w));
  for (let i = 0; i < words.length; i++) out.add(i + 1 < words.length ? `${words[i]} ${words[i + 1]}` : words[i]!);
  const han = [...norm].filter((c) => HAN.test(c));
  for (let i = 0; i + 1 < han.length; i++) out.add(han[i]! + han[i + 1]!);
  if (han.length === 1) out.add(han[0]!);
  return out;
}

/** |A ∩ B| / |A ∪ B|; two empty sets are not similar (nothing to compare). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const s of small) if (large.has(s)) inter++;
  return inter / (a.size + b.size - inter);
}

/**
 * Groups near-duplicate items (single linkage through a union-find) and returns the groups with at
 * least `minCustomers` distinct customers, largest first; items in a group are in input order.
 * Pairwise is O(n²): the detector feeds it one window (hours) of complaints, a few thousand at most.
 */
export function findClusters(items: readonly ClusterItem[], opts: ClusterOptions = DEFAULT_CLUSTER_OPTIONS): ClusterItem[][] {
  const sets = items.map((it) => shingles(it.text));
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (jaccard(sets[i]!, sets[j]!) >= opts.similarity) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, ClusterItem[]>();
  items.forEach((it, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), it]);
  });
  // A customer without an id counts as its own customer: anonymous web forms are still people.
  const customers = (g: ClusterItem[]) => new Set(g.map((it) => it.customerId ?? `anon:${it.id}`)).size;
  return [...groups.values()].filter((g) => customers(g) >= opts.minCustomers).sort((a, b) => b.length - a.length);
}
