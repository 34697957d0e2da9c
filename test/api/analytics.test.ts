import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsSummary, upsertAlert } from '../../src/db/queries/analytics';
import { ROLES } from '../../src/shared/constants';
import { seedComplaints } from '../helpers/seed-complaints';
import { auth, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;

// Five complaints in the week of Monday 2026-01-05 (figures below are worked out by hand from these),
// one before it (the previous period for hot topics) and one after it (outside the range, still open).
beforeAll(async () => {
  stack = await startTestStack('analytics');
  await seedComplaints(stack.database.db, [
    { id: 'ana', createdAt: '2026-01-05T10:00:00Z', category: 'billing', channel: 'web', status: 'closed', firstResponseAfterH: 1, resolvedAfterH: 10, surveyScore: 5, keywords: ['refund', 'charge'] },
    { id: 'anb', createdAt: '2026-01-05T12:00:00Z', category: 'billing', channel: 'email', status: 'resolved', firstResponseAfterH: 2, resolvedAfterH: 20, breached: true, surveyScore: 2, reopenCount: 1, keywords: ['refund'] },
    { id: 'anc', createdAt: '2026-01-06T09:00:00Z', category: 'logistics', channel: 'web', status: 'closed', firstResponseAfterH: 3, resolvedAfterH: 30, surveyScore: 4, keywords: ['delay'] },
    { id: 'and', createdAt: '2026-01-07T09:00:00Z', category: 'logistics', channel: 'web', status: 'in_progress', firstResponseAfterH: 4, breached: true, escalationLevel: 2, keywords: ['delay', 'courier'] },
    { id: 'ane', createdAt: '2026-01-07T15:00:00Z', category: 'billing', channel: 'app', status: 'assigned', keywords: ['refund'] },
    { id: 'ang', createdAt: '2026-01-01T08:00:00Z', category: 'billing', channel: 'web', status: 'closed', keywords: ['refund'] },
    { id: 'anf', createdAt: '2026-01-20T08:00:00Z', category: 'billing', channel: 'web', status: 'triaged', escalationLevel: 1 },
    // March 2025: a complaint answered four times (scores 1, 2, 2 each reopened it; then 5), and one answered once.
    { id: 'csa', createdAt: '2025-03-03T10:00:00Z', category: 'billing', status: 'closed', resolvedAfterH: 5, surveyScore: 5, surveyScores: [1, 2, 2, 5], reopenCount: 3 },
    { id: 'csb', createdAt: '2025-03-04T10:00:00Z', category: 'logistics', status: 'closed', resolvedAfterH: 5, surveyScore: 4 },
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

const RANGE = 'from=2026-01-05T00:00:00Z&to=2026-01-12T00:00:00Z';
const get = (url: string, role = 'supervisor') => stack.app.inject({ method: 'GET', url, headers: auth(role) });

describe('GET /v1/analytics/summary', () => {
  it('counts every survey answer, including those of reopened complaints (#20 item 13)', async () => {
    const range = { from: '2025-03-01T00:00:00Z', to: '2025-03-08T00:00:00Z' };
    const r = await get(`/v1/analytics/summary?from=${range.from}&to=${range.to}&by=category`);
    expect(r.statusCode).toBe(200);
    const every = { average: expect.closeTo(14 / 5, 9), responses: 5, distribution: { '1': 1, '2': 2, '3': 0, '4': 1, '5': 1 } };
    expect(r.json().totals.satisfaction).toEqual(every);
    expect(r.json().groups.find((g: { key: string }) => g.key === 'billing').satisfaction).toEqual({ average: expect.closeTo(10 / 4, 9), responses: 4, distribution: { '1': 1, '2': 2, '3': 0, '4': 0, '5': 1 } });
    // The daily rollup's path (taken above 20,000 complaints) counts the same answers.
    const rolled = await analyticsSummary(stack.database.db, { from: new Date(range.from), to: new Date(range.to) }, 'day', 'category', 0);
    expect(rolled.percentiles).toBe('estimated');
    expect(rolled.totals.satisfaction).toEqual(every);
  });

  it('matches the hand-computed figures', async () => {
    const r = await get(`/v1/analytics/summary?${RANGE}&by=category`);
    expect(r.statusCode).toBe(200);
    const s = r.json();
    expect(s.totals.count).toBe(5);
    // first responses 1, 2, 3, 4 h: median 2.5 h; p90 at position 0.9·3 = 2.7 → 3 h + 0.7 h
    expect(s.totals.firstResponseSeconds.median).toBeCloseTo(2.5 * 3600, 6);
    expect(s.totals.firstResponseSeconds.p90).toBeCloseTo(3.7 * 3600, 6);
    // resolutions 10, 20, 30 h: median 20 h; p90 at 0.9·2 = 1.8 → 20 h + 0.8·10 h
    expect(s.totals.resolutionSeconds.median).toBeCloseTo(20 * 3600, 6);
    expect(s.totals.resolutionSeconds.p90).toBeCloseTo(28 * 3600, 6);
    // known outcome: ana, anc (kept), anb, and (breached) → 2/4
    expect(s.totals.slaCompliance).toBeCloseTo(0.5, 12);
    expect(s.totals.satisfaction).toEqual({ average: expect.closeTo(11 / 3, 9), responses: 3, distribution: { '1': 0, '2': 1, '3': 0, '4': 1, '5': 1 } });
    // resolved at some point: ana, anb, anc; reopened: anb
    expect(s.totals.reopenRate).toBeCloseTo(1 / 3, 12);
    expect(s.series).toEqual([
      { period: '2026-01-05', count: 2 },
      { period: '2026-01-06', count: 1 },
      { period: '2026-01-07', count: 2 },
    ]);
    const billing = s.groups.find((g: { key: string }) => g.key === 'billing');
    expect(billing.count).toBe(3);
    expect(billing.firstResponseSeconds.median).toBeCloseTo(1.5 * 3600, 6);
    expect(billing.slaCompliance).toBeCloseTo(0.5, 12);
    expect(s.groups.find((g: { key: string }) => g.key === 'logistics').count).toBe(2);
    // a snapshot of every open complaint, whatever the range: and (2), ane (0), anf (1)
    expect(s.openByEscalationLevel).toEqual([
      { level: 0, count: 1 },
      { level: 1, count: 1 },
      { level: 2, count: 1 },
    ]);
  });

  it('buckets by ISO week and groups by channel', async () => {
    const s = (await get(`/v1/analytics/summary?${RANGE}&interval=week&by=channel`)).json();
    expect(s.series).toEqual([{ period: '2026-01-05', count: 5 }]);
    expect(s.groups.map((g: { key: string; count: number }) => [g.key, g.count])).toEqual([
      ['web', 3],
      ['app', 1],
      ['email', 1],
    ]);
  });

  it('refuses a range that ends before it starts, naming the field', async () => {
    const r = await get('/v1/analytics/summary?from=2026-01-12T00:00:00Z&to=2026-01-05T00:00:00Z');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details[0].path).toBe('from');
    expect((await get(`/v1/analytics/summary?${RANGE}&by=weather`)).statusCode).toBe(400);
  });

  // Found by the API fuzzer: the previous-period window of an ancient range reached negative years.
  it('refuses dates outside 1970..9999 instead of failing inside the database', async () => {
    const r = await get('/v1/analytics/hot-topics?from=0315-12-31T16%3A51%3A27.4%2B16%3A01&to=0749-03-01T08%3A47%3A04.0Z');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details[0].path).toBe('querystring.from');
  });
});

describe('hot topics, forecast, export', () => {
  it('names the keyword that rose against the previous week, volume-normalised', async () => {
    const r = (await get(`/v1/analytics/hot-topics?${RANGE}`)).json();
    // delay: 2 now, 0 before; scale 1/5 → growth (2·0.2 + 1)/1 = 1.4. refund: (3·0.2 + 1)/(1 + 1) = 0.8, not rising.
    expect(r.previousFrom).toBe('2025-12-29T00:00:00.000Z');
    expect(r.items).toEqual([{ keyword: 'delay', current: 2, previous: 0, growth: 1.4, score: expect.closeTo(Math.log(1.4) * Math.SQRT2, 9) }]);
  });

  it('forecasts seven days per category', async () => {
    const r = (await get('/v1/analytics/forecast?asOf=2026-01-12T00:00:00Z&historyDays=14')).json();
    expect(r.method).toContain('Holt-Winters');
    expect(r.categories.map((c: { category: string }) => c.category)).toEqual(['billing', 'logistics']);
    const billing = r.categories[0];
    expect(billing.history.filter((d: { count: number }) => d.count > 0)).toEqual([
      { day: '2026-01-01', count: 1 },
      { day: '2026-01-05', count: 2 },
      { day: '2026-01-07', count: 1 },
    ]);
    expect(billing.forecast.map((d: { day: string }) => d.day)).toEqual(['2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16', '2026-01-17', '2026-01-18']);
    expect(billing.backtest).toBeNull(); // two weeks of history leave nothing to hold out
  });

  it('streams the filtered complaints as CSV', async () => {
    const r = await get('/v1/complaints?format=csv&category=billing&createdFrom=2026-01-05T00:00:00Z&createdTo=2026-01-12T00:00:00Z');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/csv');
    const lines = r.body.trim().split('\r\n');
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['id', 'createdAt', 'status', 'channel']);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['ane', 'anb', 'ana']);
    expect(lines[1]).not.toContain('@');
  });
});

describe('roles on the analytics routes', () => {
  it('summary, hot topics, forecast and alerts are for supervisors, admins and auditors', async () => {
    for (const url of [`/v1/analytics/summary?${RANGE}`, `/v1/analytics/hot-topics?${RANGE}`, '/v1/analytics/forecast', '/v1/alerts']) {
      for (const role of ROLES) {
        expect([url, role, (await get(url, role)).statusCode]).toEqual([url, role, ['supervisor', 'admin', 'auditor'].includes(role) ? 200 : 403]);
      }
    }
    expect((await stack.app.inject({ method: 'GET', url: '/v1/alerts' })).statusCode).toBe(401);
  });

  it('acknowledging is for supervisors and admins; the first acknowledgement stays', async () => {
    const { alert } = await upsertAlert(stack.database.db, { dedupeKey: 'test:ack', kind: 'volume_spike', category: 'billing', windowStart: new Date(), windowEnd: new Date(), observed: 9, expected: 2, pValue: 1e-4, complaintIds: [], summary: 'test' });
    const ack = (role: string, id = alert.id) => stack.app.inject({ method: 'POST', url: `/v1/alerts/${id}/acknowledge`, headers: auth(role) });
    for (const role of ['agent', 'integrator', 'auditor']) expect((await ack(role)).statusCode).toBe(403);
    const first = await ack('supervisor');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ id: String(alert.id), acknowledgedBy: 'dev-supervisor' });
    expect((await ack('admin')).json().acknowledgedBy).toBe('dev-supervisor');
    expect((await ack('admin', 999999)).statusCode).toBe(404);
    const open = (await get('/v1/alerts?open=true')).json();
    expect(open.items.map((a: { id: string }) => a.id)).not.toContain(String(alert.id));
  });

  it('documents the new routes in the OpenAPI document', async () => {
    const doc = (await stack.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const p of ['/v1/analytics/summary', '/v1/analytics/hot-topics', '/v1/analytics/forecast', '/v1/alerts', '/v1/alerts/{id}/acknowledge']) expect(Object.keys(doc.paths)).toContain(p);
    expect(doc.components.schemas).toHaveProperty('AnalyticsSummary');
    expect(doc.paths['/v1/complaints'].get.parameters.map((x: { name: string }) => x.name)).toContain('format');
    for (const p of ['/v1/complaints', '/v1/audit/log']) expect(Object.keys(doc.paths[p].get.responses['200'].content)).toEqual(['application/json', 'text/csv']);
  });

  it('serves the dashboard page and its chart library without a token', async () => {
    const page = await stack.app.inject({ method: 'GET', url: '/dashboard' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('投诉看板');
    const lib = await stack.app.inject({ method: 'GET', url: '/dashboard/chart.umd.min.js' });
    expect(lib.statusCode).toBe(200);
    expect(lib.body.length).toBeGreaterThan(100_000);
  });
});
