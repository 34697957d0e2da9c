const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a UTC day `offset` days after `day`. */
export function addDays(day: string, offset: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Dense per-key daily series from sparse (key, day, count) rows: `days` days starting at `firstDay`,
 * zero where no row exists (a quiet day is a zero, not a gap). Keys keep first-seen order.
 */
export function denseDailySeries(rows: readonly { key: string; day: string; count: number }[], firstDay: string, days: number): Map<string, number[]> {
  const start = Date.parse(`${firstDay}T00:00:00Z`);
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const i = Math.round((Date.parse(`${r.day}T00:00:00Z`) - start) / DAY_MS);
    if (i < 0 || i >= days) continue;
    const series = out.get(r.key) ?? new Array<number>(days).fill(0);
    series[i]! += r.count;
    out.set(r.key, series);
  }
  return out;
}
