/**
 * Measures the early-warning detector on real arrival dates: replays each category's daily counts
 * through `detectSpike` (false alarms: alerts on the untouched data), then injects bursts of k extra
 * complaints on random category-days and counts how many are caught. Clusters likewise: real texts
 * in each window (false clusters), then k light paraphrases of one real text from k customers.
 * Pure given its inputs and seed.
 */
import { createRng } from '../nlp/prng';
import { findClusters, type ClusterItem } from './near-duplicates';
import { detectSpike, type SpikeOptions, DEFAULT_SPIKE_OPTIONS } from './spike';

export interface EvalRecord {
  /** YYYY-MM-DD */
  day: string;
  category: string;
  text: string;
}

export interface SpikeEval {
  categoryDays: number;
  falseAlarms: number;
  falseAlarmRate: number;
  detection: { burst: number; trials: number; detected: number; rate: number }[];
}

const DAY_MS = 86_400_000;
const HISTORY = 28;

/**
 * Daily series per category, with time compressed by `compress` (30: a month of real arrivals becomes
 * one day, giving a busy desk's volumes from a small sample while keeping the real ordering and gaps).
 */
export function seriesByCategory(records: readonly EvalRecord[], compress = 1): { series: Map<string, number[]>; firstDay: number } {
  const times = records.map((r) => Date.parse(`${r.day}T00:00:00Z`));
  const first = Math.min(...times);
  const days = Math.floor((Math.max(...times) - first) / DAY_MS / compress) + 1;
  const series = new Map<string, number[]>();
  records.forEach((r, i) => {
    const s = series.get(r.category) ?? new Array<number>(days).fill(0);
    s[Math.floor((times[i]! - first) / DAY_MS / compress)]! += 1;
    series.set(r.category, s);
  });
  return { series, firstDay: first };
}

const weekdayOf = (firstDay: number, i: number, compress: number) => new Date(firstDay + i * compress * DAY_MS).getUTCDay();

/** False alarms on the real series, then detection of injected bursts of each size. */
export function evaluateSpikes(series: Map<string, number[]>, firstDay: number, compress: number, bursts: readonly number[], trials: number, seed = 7, opts: SpikeOptions = DEFAULT_SPIKE_OPTIONS): SpikeEval {
  let categoryDays = 0;
  let falseAlarms = 0;
  for (const s of series.values()) {
    for (let t = HISTORY; t < s.length; t++) {
      categoryDays++;
      if (detectSpike(s.slice(t - HISTORY, t), s[t]!, weekdayOf(firstDay, t, compress), opts).spike) falseAlarms++;
    }
  }
  const rng = createRng(seed);
  const cats = [...series.values()].filter((s) => s.length > HISTORY);
  const detection = bursts.map((burst) => {
    let detected = 0;
    for (let n = 0; n < trials; n++) {
      const s = cats[Math.floor(rng() * cats.length)]!;
      const t = HISTORY + Math.floor(rng() * (s.length - HISTORY));
      if (detectSpike(s.slice(t - HISTORY, t), s[t]! + burst, weekdayOf(firstDay, t, compress), opts).spike) detected++;
    }
    return { burst, trials, detected, rate: detected / trials };
  });
  return { categoryDays, falseAlarms, falseAlarmRate: categoryDays ? falseAlarms / categoryDays : 0, detection };
}

/** A customer's retelling: the same text with about `drop` of its words left out. */
function paraphrase(text: string, rng: () => number, drop: number): string {
  return text
    .split(/\s+/)
    .filter(() => rng() >= drop)
    .join(' ');
}

export interface ClusterEval {
  windows: number;
  falseClusters: number;
  falseClusterRate: number;
  detection: { customers: number; trials: number; detected: number; rate: number }[];
}

/** Real texts grouped into windows of `windowDays` real days; false clusters, then injected mass complaints. */
export function evaluateClusters(records: readonly EvalRecord[], windowDays: number, sizes: readonly number[], trials: number, seed = 11, drop = 0.15): ClusterEval {
  const windows = new Map<number, ClusterItem[]>();
  records.forEach((r, i) => {
    const w = Math.floor(Date.parse(`${r.day}T00:00:00Z`) / DAY_MS / windowDays);
    windows.set(w, [...(windows.get(w) ?? []), { id: `r${i}`, customerId: `c${i}`, text: r.text }]);
  });
  const all = [...windows.values()];
  const falseClusters = all.filter((items) => findClusters(items).length > 0).length;
  const rng = createRng(seed);
  const detection = sizes.map((customers) => {
    let detected = 0;
    for (let n = 0; n < trials; n++) {
      const items = all[Math.floor(rng() * all.length)]!;
      const source = records[Math.floor(rng() * records.length)]!.text;
      const injected = Array.from({ length: customers }, (_, k) => ({ id: `inj${k}`, customerId: `inj-c${k}`, text: paraphrase(source, rng, drop) }));
      const found = findClusters([...items, ...injected]).some((c) => c.filter((it) => it.id.startsWith('inj')).length >= Math.min(customers, 3));
      if (found) detected++;
    }
    return { customers, trials, detected, rate: detected / trials };
  });
  return { windows: all.length, falseClusters, falseClusterRate: all.length ? falseClusters / all.length : 0, detection };
}
