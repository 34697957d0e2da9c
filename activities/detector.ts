import { and, eq, gte } from 'drizzle-orm';
import { DEFAULT_CLUSTER_OPTIONS, findClusters } from '../src/analytics/near-duplicates';
import { DEFAULT_SPIKE_OPTIONS, detectSpike } from '../src/analytics/spike';
import type { Db } from '../src/db/client';
import { firstComplaintAt, recentTexts, rollingCategoryCounts, upsertAlert } from '../src/db/queries/analytics';
import { enqueueMessages } from '../src/db/queries/notifications';
import { alerts, departments, type AlertRow } from '../src/db/schema';
import { CLUSTER_WINDOW_MS, SPIKE_HISTORY_DAYS } from '../src/shared/detector';
import type { OutboxNudge } from '../src/notify/deliver';
import { render } from '../src/notify/templates';

const DAY_MS = 86_400_000;

/**
 * Per-category counts of the rolling 24-hour windows ending at `nowMs`, oldest first; the last is the
 * current window. Rolling windows (not calendar days) so a spike at 00:30 is seen at 00:35.
 */
async function rollingCounts(db: Db, nowMs: number): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const r of await rollingCategoryCounts(db, new Date(nowMs), SPIKE_HISTORY_DAYS + 1)) {
    const series = out.get(r.category) ?? new Array<number>(SPIKE_HISTORY_DAYS + 1).fill(0);
    series[SPIKE_HISTORY_DAYS - r.daysAgo] = r.count;
    out.set(r.category, series);
  }
  return out;
}

/** Level-1 escalation contacts (the team leads) of the departments serving a category; all of them when none does. */
async function supervisorAddresses(db: Db, category: string | null): Promise<string[]> {
  const all = await db.select().from(departments);
  const serving = category ? all.filter((d) => d.categories.includes(category)) : [];
  return [...new Set((serving.length ? serving : all).flatMap((d) => d.escalationContacts['1'] ?? []))];
}

const summaryZh = (alert: AlertRow): string => {
  if (alert.kind === 'volume_spike') return `类别 ${alert.category} 投诉量激增：${alert.observed} 件（预期约 ${(alert.expected ?? 0).toFixed(1)} 件）`;
  if (alert.kind === 'needs_attention') return `投诉 ${alert.complaintIds.join(', ')} 无法自动处理，需要主管检查后重试`;
  return `群体投诉：${alert.observed} 位客户反映相似问题（${alert.category ?? '未分类'}）`;
};

/** Queues the alert's message to supervisors in the outbox, once per alert and address (a repeat queues nothing). */
export async function notifySupervisors(db: Db, alert: AlertRow): Promise<number> {
  const addresses = await supervisorAddresses(db, alert.category);
  const vars = { alertId: alert.id, summary: alert.summary, summaryZh: summaryZh(alert), complaints: alert.complaintIds.slice(0, 20).join(', ') };
  // Staff read both languages here; the English template carries the Chinese summary in its data.
  const m = render('early_warning', 'en', vars);
  const messages = addresses.map((address) => ({
    dedupeKey: `alert-${alert.id}:${address}`,
    complaintId: `alert-${alert.id}`,
    channel: address.includes('@') ? ('email' as const) : ('sms' as const),
    recipient: address,
    template: 'early_warning',
    language: m.language,
    subject: m.subject,
    body: m.body,
    data: vars,
  }));
  return db.transaction((tx) => enqueueMessages(tx, messages));
}

export function createDetectorActivities({ db, outbox }: { db: Db; outbox: OutboxNudge }) {
  return {
    /** Raises a volume_spike alert per category whose last 24 hours are out of line with its baseline; returns new alert ids. */
    async detectVolumeSpikes(nowMs: number): Promise<number[]> {
      const created: number[] = [];
      const weekday = new Date(nowMs).getUTCDay();
      // The history is only the days the service has been receiving complaints: before its first
      // complaint there is no past to compare with (zeros there would make every first day a spike).
      const first = await firstComplaintAt(db);
      const known = first ? Math.min(SPIKE_HISTORY_DAYS, Math.max(0, Math.floor((nowMs - first.getTime()) / DAY_MS))) : 0;
      for (const [category, series] of await rollingCounts(db, nowMs)) {
        const observed = series[SPIKE_HISTORY_DAYS]!;
        const r = detectSpike(series.slice(SPIKE_HISTORY_DAYS - known, SPIKE_HISTORY_DAYS), observed, weekday, DEFAULT_SPIKE_OPTIONS);
        if (!r.spike) continue;
        const { alert, created: isNew } = await upsertAlert(db, {
          dedupeKey: `volume_spike:${category}:${new Date(nowMs).toISOString().slice(0, 10)}`,
          kind: 'volume_spike',
          category,
          windowStart: new Date(nowMs - DAY_MS),
          windowEnd: new Date(nowMs),
          observed,
          expected: r.expected,
          pValue: r.pValue,
          complaintIds: [],
          summary: `Volume spike in ${category}: ${observed} complaints in 24 h, about ${r.expected.toFixed(1)} expected (p=${r.pValue.toExponential(1)})`,
        });
        if (isNew) created.push(alert.id);
      }
      return created;
    },

    /** Raises a mass_complaint alert per cluster of near-duplicate complaints from different customers; returns new alert ids. */
    async detectMassComplaints(nowMs: number): Promise<number[]> {
      const rows = await recentTexts(db, { from: new Date(nowMs - CLUSTER_WINDOW_MS), to: new Date(nowMs + 1) });
      const clusters = findClusters(
        rows.map((r) => ({ id: r.id, customerId: r.customerId, text: `${r.subject ?? ''} ${r.body}` })),
        DEFAULT_CLUSTER_OPTIONS,
      );
      // A cluster that overlaps one alerted in the last day is the same incident growing: update that alert.
      const recent = await db.select().from(alerts).where(and(eq(alerts.kind, 'mass_complaint'), gte(alerts.updatedAt, new Date(nowMs - DAY_MS))));
      const created: number[] = [];
      for (const cluster of clusters) {
        const ids = cluster.map((c) => c.id);
        const known = recent.find((a) => a.complaintIds.some((id) => ids.includes(id)));
        const categories = rows.filter((r) => ids.includes(r.id)).map((r) => r.category);
        const category = mode(categories);
        const customers = new Set(cluster.map((c) => c.customerId ?? c.id)).size;
        const { alert, created: isNew } = await upsertAlert(db, {
          dedupeKey: known?.dedupeKey ?? `mass_complaint:${ids[0]}`,
          kind: 'mass_complaint',
          category,
          windowStart: new Date(nowMs - CLUSTER_WINDOW_MS),
          windowEnd: new Date(nowMs),
          observed: customers,
          expected: null,
          pValue: null,
          complaintIds: [...new Set([...(known?.complaintIds ?? []), ...ids])],
          summary: `Mass complaint: ${customers} customers wrote near-identical complaints (${category ?? 'uncategorised'}): "${cluster[0]!.text.trim().slice(0, 80)}"`,
        });
        if (isNew) created.push(alert.id);
      }
      return created;
    },

    /** Notifies supervisors of new alerts through the outbox (the relay sends the email); returns how many messages were queued. */
    async notifyAlerts(ids: number[]): Promise<number> {
      let n = 0;
      for (const id of ids) {
        const [alert] = await db.select().from(alerts).where(eq(alerts.id, id));
        if (!alert) continue;
        n += await notifySupervisors(db, alert);
      }
      outbox.nudge();
      return n;
    },
  };
}

function mode(values: (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}
