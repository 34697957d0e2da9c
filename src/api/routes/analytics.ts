import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { addDays, denseDailySeries } from '../../analytics/daily-series';
import { backtest, DEFAULT_HW, holtWinters } from '../../analytics/forecast';
import { hotTopics } from '../../analytics/hot-topics';
import type { Db } from '../../db/client';
import { acknowledgeAlert, analyticsSummary, dailyCategoryCounts, keywordLists, listAlerts } from '../../db/queries/analytics';
import type { AlertRow } from '../../db/schema';
import type { AlertKind } from '../../shared/detector';
import { requireRoles } from '../auth';
import { AppError } from '../errors';
import { authErrors, errorResponse, withinTimeBounds } from '../schemas/common';
import { alertPage, alertParams, alertsQuery, alertView, forecastQuery, forecastResponse, hotTopicsQuery, hotTopicsResponse, summaryQuery, summaryResponse } from '../schemas/analytics';

const DAY_MS = 86_400_000;
const READERS = ['supervisor', 'admin', 'auditor'] as const;

/** [from, to) from the query: `to` defaults to now, `from` to 30 days before it; from must precede to. */
function range(q: { from?: string; to?: string }): { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 30 * DAY_MS);
  if (from >= to) throw new AppError('VALIDATION_FAILED', '`from` must be before `to`.', [{ path: 'from', message: 'must be before to' }]);
  return { from, to };
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

function alertJson(a: AlertRow) {
  return {
    id: String(a.id),
    kind: a.kind as AlertKind,
    category: a.category,
    windowStart: a.windowStart.toISOString(),
    windowEnd: a.windowEnd.toISOString(),
    observed: a.observed,
    expected: a.expected,
    pValue: a.pValue,
    complaintIds: a.complaintIds,
    summary: a.summary,
    createdAt: a.createdAt.toISOString(),
    acknowledgedAt: iso(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy,
  };
}

/** Figures for supervisors and managers, early-warning alerts, forecast; read-only except acknowledging. */
export const analyticsRoutes =
  ({ db }: { db: Db }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/v1/analytics/summary',
      {
        onRequest: requireRoles(...READERS),
        schema: { tags: ['analytics'], summary: 'Counts, handling times, SLA compliance, satisfaction and reopen rate over a period', querystring: summaryQuery, response: { 200: summaryResponse, ...authErrors } },
      },
      async (req) => {
        const r = range(req.query);
        const s = await analyticsSummary(db, r, req.query.interval, req.query.by);
        return { from: r.from.toISOString(), to: r.to.toISOString(), interval: req.query.interval, by: req.query.by ?? null, ...s };
      },
    );

    app.get(
      '/v1/analytics/hot-topics',
      {
        onRequest: requireRoles(...READERS),
        schema: { tags: ['analytics'], summary: 'Keywords rising most against the previous period of the same length', querystring: hotTopicsQuery, response: { 200: hotTopicsResponse, ...authErrors } },
      },
      async (req) => {
        const r = range(req.query);
        const previous = { from: new Date(2 * r.from.getTime() - r.to.getTime()), to: r.from };
        if (!withinTimeBounds(previous.from.getTime())) {
          throw new AppError('VALIDATION_FAILED', 'The range and the previous period of the same length must both begin after 1970-01-01.', [{ path: 'querystring.from', message: 'the range is compared with the period of the same length before it, which must begin after 1970-01-01' }]);
        }
        const items = hotTopics(await keywordLists(db, r), await keywordLists(db, previous), req.query.limit);
        return { from: r.from.toISOString(), to: r.to.toISOString(), previousFrom: previous.from.toISOString(), items };
      },
    );

    app.get(
      '/v1/analytics/forecast',
      {
        onRequest: requireRoles(...READERS),
        schema: { tags: ['analytics'], summary: "Next 7 days' volume per category (Holt-Winters, weekly season) with its backtest error", querystring: forecastQuery, response: { 200: forecastResponse, ...authErrors } },
      },
      async (req) => {
        const asOf = (req.query.asOf ?? new Date().toISOString()).slice(0, 10);
        const days = req.query.historyDays;
        const firstDay = addDays(asOf, -days);
        const rows = await dailyCategoryCounts(db, { from: new Date(`${firstDay}T00:00:00Z`), to: new Date(`${asOf}T00:00:00Z`) });
        const series = denseDailySeries(rows.map((x) => ({ key: x.category, day: x.day, count: x.count })), firstDay, days);
        const categories = [...series.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([category, s]) => ({
            category,
            history: s.map((count, i) => ({ day: addDays(firstDay, i), count })),
            forecast: holtWinters(s, 7).map((count, i) => ({ day: addDays(asOf, i), count: Math.round(count * 100) / 100 })),
            backtest: backtest(s),
          }));
        const { alpha, beta, gamma } = DEFAULT_HW;
        return { method: `Holt-Winters additive, weekly season, alpha=${alpha} beta=${beta} gamma=${gamma}; backtest: 4 rolling weeks, MAE per day vs seasonal-naive`, asOf, categories };
      },
    );

    app.get(
      '/v1/alerts',
      {
        onRequest: requireRoles(...READERS),
        schema: { tags: ['analytics'], summary: 'Early-warning alerts, newest first', querystring: alertsQuery, response: { 200: alertPage, ...authErrors } },
      },
      async (req) => {
        const { limit, cursor, open } = req.query;
        const rows = await listAlerts(db, { open: open === 'true', limit: limit + 1, beforeId: cursor ? Number(cursor) : undefined });
        const page = rows.slice(0, limit);
        return { items: page.map(alertJson), nextCursor: rows.length > limit ? String(page[page.length - 1]!.id) : null };
      },
    );

    app.post(
      '/v1/alerts/:id/acknowledge',
      {
        onRequest: requireRoles('supervisor', 'admin'),
        schema: { tags: ['analytics'], summary: 'Acknowledge an alert (the first acknowledgement is kept)', params: alertParams, response: { 200: alertView, 404: errorResponse, ...authErrors } },
      },
      async (req) => {
        const row = await acknowledgeAlert(db, Number(req.params.id), req.principal!.subject);
        if (!row) throw new AppError('NOT_FOUND', `No alert ${req.params.id}.`);
        return alertJson(row);
      },
    );
  };
