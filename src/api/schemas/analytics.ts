import { z } from 'zod';
import { GROUP_BY } from '../../db/queries/analytics';
import { ALERT_KINDS } from '../../shared/detector';
import { isoTime } from './common';

export const rangeQuery = z
  .object({
    from: isoTime.optional().meta({ description: 'start (inclusive); default 30 days before `to`' }),
    to: isoTime.optional().meta({ description: 'end (exclusive); default now' }),
  })
  .strict();

export const summaryQuery = rangeQuery.extend({ interval: z.enum(['day', 'week']).default('day'), by: z.enum(GROUP_BY).optional() }).strict();

const percentiles = z.object({ median: z.number().nullable(), p90: z.number().nullable() });

const metrics = z.object({
  count: z.number().int(),
  firstResponseSeconds: percentiles,
  resolutionSeconds: percentiles,
  slaCompliance: z.number().nullable().meta({ description: 'share 0..1 of complaints with a known SLA outcome (breached, or resolved/closed) that were not breached' }),
  satisfaction: z.object({
    average: z.number().nullable(),
    responses: z.number().int(),
    distribution: z.object({ '1': z.number().int(), '2': z.number().int(), '3': z.number().int(), '4': z.number().int(), '5': z.number().int() }),
  }),
  reopenRate: z.number().nullable().meta({ description: 'share 0..1 of complaints ever resolved that were reopened' }),
});

export const summaryResponse = z
  .object({
    from: z.string(),
    to: z.string(),
    interval: z.enum(['day', 'week']),
    by: z.enum(GROUP_BY).nullable(),
    totals: metrics,
    series: z.array(z.object({ period: z.string(), count: z.number().int() })),
    groups: z.array(metrics.extend({ key: z.string() })),
    openByEscalationLevel: z.array(z.object({ level: z.number().int(), count: z.number().int() })),
    percentiles: z.enum(['exact', 'estimated']).meta({
      description: 'exact up to 20,000 complaints in the range; above, every count stays exact and the medians and p90s are estimated from log-scale histograms (within 4.4 %)',
    }),
  })
  .meta({ id: 'AnalyticsSummary' });

export const hotTopicsQuery = rangeQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(10) }).strict();

export const hotTopicsResponse = z
  .object({
    from: z.string(),
    to: z.string(),
    previousFrom: z.string(),
    items: z.array(z.object({ keyword: z.string(), current: z.number().int(), previous: z.number().int(), growth: z.number(), score: z.number() })),
  })
  .meta({ id: 'HotTopics' });

export const forecastQuery = z
  .object({
    asOf: isoTime.optional().meta({ description: 'forecast from this day (UTC); default today' }),
    historyDays: z.coerce.number().int().min(14).max(365).default(56),
  })
  .strict();

const dayCount = z.object({ day: z.string(), count: z.number() });

export const forecastResponse = z
  .object({
    method: z.string(),
    asOf: z.string(),
    categories: z.array(
      z.object({
        category: z.string(),
        history: z.array(dayCount),
        forecast: z.array(dayCount),
        backtest: z.object({ mae: z.number(), naiveMae: z.number(), days: z.number().int() }).nullable(),
      }),
    ),
  })
  .meta({ id: 'Forecast' });

export const alertView = z
  .object({
    id: z.string(),
    kind: z.enum(ALERT_KINDS),
    category: z.string().nullable(),
    windowStart: z.string(),
    windowEnd: z.string(),
    observed: z.number().int(),
    expected: z.number().nullable(),
    pValue: z.number().nullable(),
    complaintIds: z.array(z.string()),
    summary: z.string(),
    createdAt: z.string(),
    acknowledgedAt: z.string().nullable(),
    acknowledgedBy: z.string().nullable(),
  })
  .meta({ id: 'Alert' });

export const alertsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().regex(/^\d{1,15}$/, 'not a cursor this API issued').optional(),
    open: z.enum(['true', 'false']).optional().meta({ description: 'true: only alerts not yet acknowledged' }),
  })
  .strict();

export const alertPage = z.object({ items: z.array(alertView), nextCursor: z.string().nullable() }).meta({ id: 'AlertPage' });

export const alertParams = z.object({ id: z.string().regex(/^\d{1,15}$/, 'not an alert id') });
