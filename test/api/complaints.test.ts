import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app';
import { createReplayer } from '../../src/audit/replayer';
import { devApiTokens } from '../../src/config';
import { openDatabase } from '../../src/db/client';
import { complaints } from '../../src/db/schema';
import { auth, eventually, startTestStack, TEST_SURVEY_SECRET, TEST_ID_SECRET, type TestStack } from '../helpers/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('api');
});

afterAll(async () => {
  await stack?.stop();
});

const post = (payload: unknown, headers: Record<string, string> = auth('integrator')) =>
  stack.app.inject({ method: 'POST', url: '/v1/complaints', headers, payload: payload as object });

const get = (url: string, role = 'supervisor') => stack.app.inject({ method: 'GET', url, headers: auth(role) });

async function waitForStatus(id: string, status: string) {
  return eventually(async () => {
    const c = (await get(`/v1/complaints/${id}`)).json();
    return c.status === status ? c : undefined;
  });
}

describe('POST /v1/complaints: bad input is refused in the API.md error shape', () => {
  it('names the missing body', async () => {
    const r = await post({ channel: 'web' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('VALIDATION_FAILED');
    expect(r.json().error.details).toContainEqual(expect.objectContaining({ path: 'body.body' }));
  });

  it('names each bad field by path, including nested ones', async () => {
    const r = await post({ channel: 'fax', body: 'x', customer: { email: 'not-an-email', phone: '12345' }, surprise: 1 });
    expect(r.statusCode).toBe(400);
    const paths = r.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['body.channel', 'body.customer.email', 'body.customer.phone']));
  });

  it('refuses a blank body', async () => {
    expect((await post({ channel: 'web', body: '   ' })).statusCode).toBe(400);
  });

  it('401 for an unknown token, before looking at the body', async () => {
    const r = await post({}, { authorization: 'Bearer nope' });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('UNAUTHENTICATED');
    expect((await stack.app.inject({ method: 'GET', url: '/v1/complaints' })).statusCode).toBe(401);
  });

  it('403 for an agent on intake', async () => {
    const r = await post({ channel: 'web', body: 'hello' }, auth('agent'));
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('FORBIDDEN');
  });

  it('413 for a 2 MB body', async () => {
    const r = await post({ channel: 'web', body: 'x'.repeat(2 * 1024 * 1024) });
    expect(r.statusCode).toBe(413);
    expect(r.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('400 for invalid JSON and 415 for a non-JSON body', async () => {
    const bad = await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: { ...auth('integrator'), 'content-type': 'application/json' }, payload: '{"channel":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('INVALID_JSON');
    const text = await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: { ...auth('integrator'), 'content-type': 'text/plain' }, payload: 'hi' });
    expect(text.statusCode).toBe(415);
  });

  it('every response carries x-request-id, and a sane incoming one is kept', async () => {
    const r = await stack.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(r.headers['x-request-id']).toBe('abc-123');
    const forged = await stack.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'a b\nc' } });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('idempotent intake', () => {
  it('the same Idempotency-Key gives the same complaint: 201 then 200, one workflow', async () => {
    const headers = { ...auth('integrator'), 'idempotency-key': `k-${Date.now()}` };
    const first = await post({ channel: 'app', body: 'Charged twice for one order' }, headers);
    const again = await post({ channel: 'app', body: 'Charged twice for one order' }, headers);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
  });

  it('a key reused with a different body is 422 IDEMPOTENCY_KEY_REUSED, before and after the first write; the same body (keys in any order) is still 200', async () => {
    const key = `reuse-${Date.now()}`;
    const headers = { ...auth('integrator'), 'idempotency-key': key };
    const original = { channel: 'app', body: 'My card was charged twice.', customer: { id: 'c-reuse', language: 'en' }, metadata: { order: '77', shop: 'eu' } };
    const first = await post(original, headers);
    expect(first.statusCode).toBe(201);
    const { id } = first.json();
    // Straight away (the workflow may not have written its row yet) and after the row exists.
    for (const moment of ['at once', 'after the first write']) {
      if (moment !== 'at once') await waitForStatus(id, 'assigned');
      const changed = await post({ ...original, body: 'Something else entirely.' }, headers);
      expect(changed.statusCode, moment).toBe(422);
      expect(changed.json().error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', details: [{ path: 'headers.idempotency-key', complaintId: id }] });
      const reordered = await post({ metadata: { shop: 'eu', order: '77' }, customer: { language: 'en', id: 'c-reuse' }, body: 'My card was charged twice.', channel: 'app' }, headers);
      expect([reordered.statusCode, reordered.json().id], moment).toEqual([200, id]);
    }
    expect((await post({ ...original, customer: { id: 'c-other', language: 'en' } }, headers)).statusCode).toBe(422);
    // The stored fingerprint is keyed: it is not a hash anyone could compute from the text alone.
    const [row] = await stack.database.db.select().from(complaints).where(eq(complaints.id, id));
    expect(row!.requestHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('concurrent submissions with one key start exactly one workflow', async () => {
    const headers = { ...auth('integrator'), 'idempotency-key': `burst-${Date.now()}` };
    const rs = await Promise.all(Array.from({ length: 50 }, () => post({ channel: 'web', body: 'Refund please' }, headers)));
    expect(rs.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(rs.filter((r) => r.statusCode === 200)).toHaveLength(49);
    expect(new Set(rs.map((r) => r.json().id)).size).toBe(1);
  });

  it('the same (channel, externalRef) gives the same complaint even with another key', async () => {
    const ref = `ticket-${Date.now()}`;
    const a = await post({ channel: 'email', body: 'Late parcel', externalRef: ref }, { ...auth('integrator'), 'idempotency-key': 'one' });
    const b = await post({ channel: 'email', body: 'Late parcel', externalRef: ref }, { ...auth('integrator'), 'idempotency-key': 'two' });
    const other = await post({ channel: 'sms', body: 'Late parcel', externalRef: ref });
    expect([a.statusCode, b.statusCode]).toEqual([201, 200]);
    expect(b.json().id).toBe(a.json().id);
    expect(other.json().id).not.toBe(a.json().id);
  });
});

describe('reading complaints', () => {
  it('GET straight after 201 finds the complaint, then shows it assigned', async () => {
    const r = await post({ channel: 'web', body: '这个月账单被重复扣费两次，请尽快处理', customer: { language: 'zh', id: 'zh-1' } });
    const id = r.json().id;
    expect((await get(`/v1/complaints/${id}`)).statusCode).toBe(200);
    const c = await waitForStatus(id, 'assigned');
    expect(c).toMatchObject({ category: 'billing', department: 'billing', language: 'zh', assignee: 'h-li' });
  });

  it('a list item equals the detail view field by field, due dates included, as soon as it is assigned (#20 item 12)', async () => {
    const { id } = (await post({ channel: 'web', body: 'The delivery of order 7731 is two weeks late and nobody answers.', customer: { id: 'c-list-detail', language: 'en' } })).json();
    const detail = await waitForStatus(id, 'assigned');
    expect(detail.sla.firstResponseDueAt).toEqual(expect.any(String));
    expect(detail.sla.resolutionDueAt).toEqual(expect.any(String));
    const listed = (await get('/v1/complaints?customerId=c-list-detail')).json().items;
    expect(listed).toHaveLength(1);
    const { timeline: _timeline, suggestions: _suggestions, ...summary } = detail;
    expect(Object.keys(listed[0]).sort()).toEqual(Object.keys(summary).sort());
    for (const [field, value] of Object.entries(summary)) expect(listed[0][field], field).toEqual(value);
    // The handler's queue ("nearest deadline first") and the CSV read the same row.
    const csv = (await get('/v1/complaints?customerId=c-list-detail&format=csv')).body;
    expect(csv).toContain(detail.sla.firstResponseDueAt);
  });

  it('404 in the error shape for an unknown complaint', async () => {
    const r = await get('/v1/complaints/doesnotexist00');
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('NOT_FOUND');
  });

  it('lists with filters and cursor pagination, newest first, no duplicates', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post({ channel: 'phone', body: `The package is late (${i})`, customer: { id: 'pager' } })).json().id);
    for (const id of ids) await waitForStatus(id, 'assigned');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string; status: string }[]; nextCursor: string | null } = (await get(`/v1/complaints?customerId=pager&status=assigned&limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const byCategory = (await get('/v1/complaints?category=delivery&limit=500')).json();
    expect(byCategory.items.every((i: { category: string }) => i.category === 'delivery')).toBe(true);
  });

  it('rejects a bad limit or cursor with 400 naming it', async () => {
    const r = await get('/v1/complaints?limit=501');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details[0].path).toBe('querystring.limit');
    expect((await get('/v1/complaints?cursor=garbage')).json().error.details[0].path).toBe('querystring.cursor');
  });

  it('integrators see only their own complaints', async () => {
    const other = await buildApp({
      database: stack.database,
      temporal: stack.client,
      taskQueue: stack.taskQueue,
      tokens: [...devApiTokens(), { role: 'integrator', token: 'other-integrator-token', subject: 'acme' }],
      surveySecret: TEST_SURVEY_SECRET,
      idSecret: TEST_ID_SECRET,
      replay: createReplayer(stack.client),
    });
    const mine = (await post({ channel: 'web', body: 'mine' })).json().id;
    const theirs = await other.inject({ method: 'GET', url: `/v1/complaints/${mine}`, headers: { authorization: 'Bearer other-integrator-token' } });
    expect(theirs.statusCode).toBe(404);
    const list = await other.inject({ method: 'GET', url: '/v1/complaints?limit=500', headers: { authorization: 'Bearer other-integrator-token' } });
    expect(list.json().items).toEqual([]);
    await other.close();
  });
});

describe('resolve', () => {
  it('agents resolve only their own; supervisors any; a second resolve is 409 naming the status and changes nothing', async () => {
    const id = (await post({ channel: 'web', body: 'My account is locked and I cannot login', customer: { language: 'en' } })).json().id;
    const c = await waitForStatus(id, 'assigned');
    expect(c.department).toBe('customer-care');
    const asAgent = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/resolve`, headers: auth('agent'), payload: { resolution: 'Unlocked' } });
    // The dev agent is h-alice: allowed exactly when the router picked her.
    expect(asAgent.statusCode).toBe(c.assignee === 'h-alice' ? 200 : 403);
    if (asAgent.statusCode === 403) {
      const bySupervisor = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/resolve`, headers: auth('supervisor'), payload: { resolution: 'Unlocked' } });
      expect(bySupervisor.json()).toEqual({ id, status: 'resolved' });
    }
    const resolved = await waitForStatus(id, 'resolved');
    const again = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/resolve`, headers: auth('supervisor'), payload: { resolution: 'Again' } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'INVALID_STATE', message: 'cannot resolve a complaint that is resolved' });
    const after = (await get(`/v1/complaints/${id}`)).json();
    expect(after.resolution).toBe('Unlocked');
    expect(after.timeline.filter((t: { type: string }) => t.type === 'resolved')).toHaveLength(1);
    expect(after.status).toBe(resolved.status);
  });

  it('integrators and auditors may not resolve', async () => {
    const id = (await post({ channel: 'web', body: 'Bad service' })).json().id;
    for (const role of ['integrator', 'auditor']) {
      const r = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/resolve`, headers: auth(role), payload: { resolution: 'x' } });
      expect(r.statusCode).toBe(403);
    }
  });

  it('a blank resolution is 400 naming the field', async () => {
    const r = await stack.app.inject({ method: 'POST', url: '/v1/complaints/abc/resolve', headers: auth('supervisor'), payload: { resolution: ' ' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details[0].path).toBe('body.resolution');
  });
});

describe('when a dependency is down, intake answers 503 with Retry-After and accepts nothing', () => {
  it('engine unreachable', async () => {
    // A lazy connection to a port nobody listens on: every call fails as the real outage would.
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const app = await buildApp({ database: stack.database, temporal: new Client({ connection }), tokens: devApiTokens(), surveySecret: TEST_SURVEY_SECRET, idSecret: TEST_ID_SECRET, replay: createReplayer(stack.client) });
    const r = await app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: 'lost?', externalRef: 'down-1' } });
    expect(r.statusCode).toBe(503);
    expect(r.headers['retry-after']).toBe('5');
    expect(r.json().error.code).toBe('ENGINE_UNAVAILABLE');
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    // Without an admin token the probe says only that the engine is unavailable, not why or where.
    expect(ready.json()).toEqual({ status: 'unavailable', checks: { database: 'ok', engine: 'unavailable' } });
    expect(ready.body).not.toMatch(/127\.0\.0\.1|:1\b|connect|ECONNREFUSED|deadline/i);
    const asSupervisor = await app.inject({ method: 'GET', url: '/readyz', headers: auth('supervisor') });
    expect(asSupervisor.json().checks.engine).toBe('unavailable');
    const asAdmin = await app.inject({ method: 'GET', url: '/readyz', headers: auth('admin') });
    expect(asAdmin.json().checks.engine).toMatch(/^unavailable: ./);
    await app.close();
  });

  it('database unreachable', async () => {
    const dead = await openDatabase({});
    await dead.close();
    const app = await buildApp({ database: dead, temporal: stack.client, taskQueue: stack.taskQueue, tokens: devApiTokens(), surveySecret: TEST_SURVEY_SECRET, idSecret: TEST_ID_SECRET, replay: createReplayer(stack.client) });
    const ref = `db-down-${Date.now()}`;
    const r = await app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: 'lost?', externalRef: ref } });
    expect(r.statusCode).toBe(503);
    expect(r.json().error.code).toBe('DATABASE_UNAVAILABLE');
    await app.close();
    // Nothing was accepted: the same submission later is a first-time 201.
    expect((await post({ channel: 'web', body: 'lost?', externalRef: ref })).statusCode).toBe(201);
  });
});

describe('operations and docs', () => {
  it('healthz, readyz, openapi.json and /docs', async () => {
    expect((await stack.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await stack.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready' });
    const spec = (await stack.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/complaints', '/v1/complaints/{id}', '/v1/complaints/{id}/resolve']));
    const metrics = await stack.app.inject({ method: 'GET', url: '/metrics', headers: auth('admin') });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toMatch(/complaints_accepted_total\{channel="web",outcome="created"\} \d+/);
    expect(metrics.body).toMatch(/http_requests_total\{method="POST",route="\/v1\/complaints",status="201"\}/);
    expect(metrics.body).not.toMatch(/route="\/v1\/complaints\/[a-z0-9]{16}"/); // templates, not ids
    expect((await stack.app.inject({ method: 'GET', url: '/metrics', headers: auth('integrator') })).statusCode).toBe(403);
    const docs = await stack.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
