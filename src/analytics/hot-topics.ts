/**
 * Hot topics: the keywords (and phrases) whose frequency rose most against the previous period of the
 * same length. The score is a smoothed log ratio weighted by the count, so one mention rising to two
 * does not outrank twenty rising to sixty. Pure.
 */

export interface HotTopic {
  keyword: string;
  current: number;
  previous: number;
  /** current / previous with add-one smoothing. */
  growth: number;
  score: number;
}

function countKeywords(keywordLists: readonly (readonly string[])[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const list of keywordLists) {
    // A keyword counts once per complaint: repeating a word in one complaint is not a trend.
    for (const k of new Set(list.map((w) => w.trim().toLowerCase()).filter(Boolean))) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/**
 * @param current keywords of each complaint in the period
 * @param previous keywords of each complaint in the period before it
 * @param minCount a keyword needs this many complaints in the period to be a topic
 */
export function hotTopics(current: readonly (readonly string[])[], previous: readonly (readonly string[])[], limit = 10, minCount = 2): HotTopic[] {
  const cur = countKeywords(current);
  const prev = countKeywords(previous);
  // Normalise by volume: if all complaints doubled, no single keyword is "rising".
  const scale = (previous.length || 1) / (current.length || 1);
  const out: HotTopic[] = [];
  for (const [keyword, c] of cur) {
    if (c < minCount) continue;
    const p = prev.get(keyword) ?? 0;
    const growth = (c * scale + 1) / (p + 1);
    if (growth <= 1) continue;
    out.push({ keyword, current: c, previous: p, growth: Math.round(growth * 100) / 100, score: Math.log(growth) * Math.sqrt(c) });
  }
  return out.sort((a, b) => b.score - a.score || a.keyword.localeCompare(b.keyword)).slice(0, limit);
}
