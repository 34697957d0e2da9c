import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSignature } from '../../src/channels/inbound';
import { safeLogger } from '../../src/api/hardening';
import { ROLES, type Role } from '../../src/shared/constants';
import { auth, eventually, startTestStack, TEST_PUBLIC_BASE_URL, type TestStack } from '../helpers/stack';

// Routes without a bearer guard, and what guards them instead.
const PUBLIC: Record<string, 'open' | 'survey-token' | 'signature'> = {
  'GET /healthz': 'open',
  'GET /readyz': 'open',
  'GET /openapi.json': 'open',
  // The dashboard page and its chart library hold no data: the page asks for a token and calls the API with it.
  'GET /dashboard': 'open',
  'GET /dashboard/chart.umd.min.js': 'open',
  'GET /v1/surveys/:token': 'survey-token',
  'POST /v1/surveys/:token': 'survey-token',
  'POST /v1/channels/sms': 'signature',
  'POST /v1/channels/voice': 'signature',
  'POST /v1/channels/voice/speech': 'signature',
  'POST /v1/channels/voice/survey/:token': 'signature',
  'POST /v1/channels/webhook/:source': 'signature',
};

const logLines: string[] = [];
let stack: TestStack;
let complaintId: string;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  stack = await startTestStack('security', {
    channels: { publicBaseUrl: TEST_PUBLIC_BASE_URL, twilioAuthToken: 'security-twilio-token-0123456789', webhookSecrets: { app: 'security-webhook-secret-0123' } },
    hardening: { rateLimitPerMinute: 100_000, corsOrigins: ['https://desk.example.com'] },
    logger: { ...safeLogger('info'), stream: sink },
  });
  const r = await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: 'Security matrix fixture.', customer: { id: 'sec-1' } } });
  complaintId = r.json().id;
});

afterAll(async () => {
  await stack?.stop();
});

const fill = (url: string) => url.replace(':id', complaintId).replace(':token', 'x'.repeat(24)).replace(':source', 'app').replace(/:[a-zA-Z]+/g, 'zz-none');
const routes = () => stack.app.routeTable.filter((r) => !r.url.startsWith('/docs') && r.method !== 'OPTIONS');

describe('every route × every role', () => {
  it('every route is guarded by roles or listed here as public with the credential that guards it instead', () => {
    const unguarded = routes()
      .filter((r) => !r.roles)
      .map((r) => `${r.method} ${r.url}`);
    expect(unguarded.filter((k) => !(k in PUBLIC))).toEqual([]);
    expect(routes().length).toBeGreaterThan(30);
  });

  it('anonymous → 401, a role outside the route’s list → 403, a listed role gets past the guard', async () => {
    const failures: string[] = [];
    for (const r of routes().filter((x) => x.roles)) {
      const url = fill(r.url);
      const payload = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
      const anon = await stack.app.inject({ method: r.method as 'GET', url, payload });
      if (anon.statusCode !== 401) failures.push(`${r.method} ${r.url} anonymous → ${anon.statusCode}`);
      for (const role of ROLES as readonly Role[]) {
        const res = await stack.app.inject({ method: r.method as 'GET', url, payload, headers: auth(role) });
        const allowed = r.roles!.includes(role);
        if (allowed && (res.statusCode === 401 || res.statusCode === 403) && !(res.statusCode === 403 && role === 'agent')) failures.push(`${r.method} ${r.url} ${role} → ${res.statusCode}`);
        if (!allowed && res.statusCode !== 403) failures.push(`${r.method} ${r.url} ${role} → ${res.statusCode} (expected 403)`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('the OpenAPI document names the roles of every guarded operation (x-roles), as the fuzzer reads them', async () => {
    const doc = (await stack.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { 'x-roles'?: string[] }>> };
    const missing: string[] = [];
    for (const r of routes().filter((x) => x.roles)) {
      const op = doc.paths[r.url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method.toLowerCase()];
      if (!op) continue; // hidden from the document (the dashboard's files)
      if (JSON.stringify(op['x-roles']) !== JSON.stringify(r.roles)) missing.push(`${r.method} ${r.url}: ${JSON.stringify(op['x-roles'])} ≠ ${JSON.stringify(r.roles)}`);
    }
    expect(missing).toEqual([]);
    expect(doc.paths['/v1/audit/replay']!.post!['x-roles']).toEqual(['auditor']);
    // Both forms of a history are documented (?format=raw is Temporal's own JSON), so a raw answer conforms.
    const history = (await stack.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths['/v1/complaints/{id}/history'].get.responses['200'].content['application/json'].schema;
    expect(history.anyOf.map((s: { $ref: string }) => s.$ref)).toEqual(['#/components/schemas/History', '#/components/schemas/RawHistory']);
  });

  it('signed routes refuse unsigned callers; the survey routes refuse forged tokens', async () => {
    for (const [key, kind] of Object.entries(PUBLIC)) {
      if (kind === 'open') continue;
      const [method, path] = key.split(' ') as ['GET' | 'POST', string];
      const payload = method === 'GET' ? undefined : kind === 'survey-token' ? '{"score":3}' : '{}';
      const res = await stack.app.inject({ method, url: fill(path), headers: { 'content-type': 'application/json' }, payload });
      expect([403, 404], `${key} → ${res.statusCode}`).toContain(res.statusCode);
    }
  });
});

describe('headers, CORS and limits', () => {
  it('sends security headers, and CORS only to configured origins', async () => {
    const r = await stack.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://desk.example.com' } });
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['strict-transport-security']).toBeDefined();
    expect(r.headers['access-control-allow-origin']).toBe('https://desk.example.com');
    const other = await stack.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a token over its rate gets 429 with Retry-After; another token is not affected', async () => {
    const limited = await startTestStack('ratelimit', { hardening: { rateLimitPerMinute: 3 } });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await limited.app.inject({ method: 'GET', url: '/v1/complaints', headers: auth('supervisor') })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const last = await limited.app.inject({ method: 'GET', url: '/v1/complaints', headers: auth('supervisor') });
      expect(last.headers['retry-after']).toMatch(/^\d+$/);
      expect(last.json().error.code).toBe('RATE_LIMITED');
      expect((await limited.app.inject({ method: 'GET', url: '/v1/complaints', headers: auth('auditor') })).statusCode).toBe(200);
      // Keyed on the parsed caller, not the header's spelling: these are the auditor's token again.
      const spellings = ['bearer dev-auditor', 'Bearer  dev-auditor', 'Bearer\tdev-auditor'];
      const spelled = [];
      for (const authorization of spellings) spelled.push((await limited.app.inject({ method: 'GET', url: '/v1/complaints', headers: { authorization } })).statusCode);
      expect(spelled).toEqual([200, 200, 429]);
      // CORS is off unless configured: no Access-Control headers at all.
      const r = await limited.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://desk.example.com' } });
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await limited.stop();
    }
  });
});

describe('failed authentication', () => {
  it('more than 100 wrong tokens a minute from one address get 429 with Retry-After; a valid token from it still works', async () => {
    const limited = await startTestStack('authfail', { hardening: { rateLimitPerMinute: 100_000, failedAuthPerMinute: 100 } });
    try {
      const codes = new Map<number, number>();
      for (let i = 0; i < 130; i++) {
        const r = await limited.app.inject({ method: 'GET', url: '/v1/complaints', headers: { authorization: `Bearer guess-${i}-${Math.random()}` } });
        codes.set(r.statusCode, (codes.get(r.statusCode) ?? 0) + 1);
      }
      expect(Object.fromEntries(codes)).toEqual({ 401: 100, 429: 30 });
      const refused = await limited.app.inject({ method: 'GET', url: '/v1/complaints', headers: { authorization: 'Bearer one-more-guess' } });
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(refused.json().error.code).toBe('RATE_LIMITED');
      expect((await limited.app.inject({ method: 'GET', url: '/v1/complaints', headers: auth('supervisor') })).statusCode).toBe(200);
      // Another address is not affected.
      expect((await limited.app.inject({ method: 'GET', url: '/v1/complaints', remoteAddress: '10.9.8.7', headers: { authorization: 'Bearer wrong-again' } })).statusCode).toBe(401);
    } finally {
      await limited.stop();
    }
  });
});

describe('hostile input', () => {
  it('NUL characters anywhere in the input are 400 naming where, not a database error', async () => {
    const r = await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: 'ok', customer: { name: 'a\u0000b' } } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details[0].path).toBe('body.customer.name');
    const q = await stack.app.inject({ method: 'GET', url: '/v1/complaints?department=x%00y', headers: auth('supervisor') });
    expect(q.statusCode).toBe(400);
  });

  it('inputs that used to reach the database or the engine unchecked are 400 in the error shape, never 500', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const deepObject = `{"channel":"web","body":"x","metadata":${'{"a":'.repeat(65)}1${'}'.repeat(65)}}`;
    const json = { 'content-type': 'application/json' };
    const cases: Array<{ name: string; method: 'GET' | 'POST'; url: string; payload?: string; headers: Record<string, string>; path?: string }> = [
      { name: 'JSON 20,000 deep', method: 'POST', url: '/v1/complaints', payload: deep, headers: { ...json, ...auth('integrator') }, path: 'body' },
      { name: 'JSON 65 deep in metadata', method: 'POST', url: '/v1/complaints', payload: deepObject, headers: { ...json, ...auth('integrator') }, path: 'body' },
      { name: 'JSON 20,000 deep to a signed webhook, unsigned', method: 'POST', url: '/v1/channels/webhook/app', payload: deep, headers: json, path: 'body' },
      { name: 'JSON 20,000 deep as an email', method: 'POST', url: '/v1/channels/email', payload: deep, headers: { ...json, ...auth('integrator') }, path: 'body' },
      { name: 'audit cursor past bigint', method: 'GET', url: '/v1/audit/log?cursor=9223372036854775808', headers: auth('auditor'), path: 'querystring.cursor' },
      { name: 'alert cursor past 2^53', method: 'GET', url: '/v1/alerts?cursor=9999999999999999', headers: auth('supervisor'), path: 'querystring.cursor' },
      { name: 'complaint cursor in year -271821', method: 'GET', url: `/v1/complaints?cursor=${b64(JSON.stringify(['-271821-04-20T00:00:00.000Z', 'abc']))}`, headers: auth('supervisor'), path: 'querystring.cursor' },
      { name: 'complaint cursor in year 275760', method: 'GET', url: `/v1/complaints?cursor=${b64(JSON.stringify(['+275760-09-13T00:00:00.000Z', 'abc']))}`, headers: auth('supervisor'), path: 'querystring.cursor' },
      { name: 'KB cursor 999999999999999:abc', method: 'GET', url: `/v1/kb/articles?cursor=${b64('999999999999999:abc')}`, headers: auth('agent'), path: 'querystring.cursor' },
      { name: 'hot topics over 1970–9999', method: 'GET', url: '/v1/analytics/hot-topics?from=1970-01-01T00:00:00Z&to=9999-12-31T00:00:00Z', headers: auth('supervisor'), path: 'querystring.from' },
      { name: 'history of a run id that is no UUID', method: 'GET', url: `/v1/complaints/${complaintId}/history?runId=%F0%A7%9F%85aaA&format=raw`, headers: auth('auditor'), path: 'querystring.runId' },
      { name: 'replay of a query the engine cannot parse', method: 'POST', url: '/v1/audit/replay', payload: JSON.stringify({ query: "'; DROP" }), headers: { ...json, ...auth('auditor') }, path: 'body.query' },
      { name: 'webhook occurredAt in year 0', method: 'POST', url: '/v1/channels/webhook/app', payload: JSON.stringify({ messageId: 'm-0', text: 'x', occurredAt: '0000-01-01T00:00:00Z' }), headers: { ...json, 'x-signature': hmacSignature('security-webhook-secret-0123', JSON.stringify({ messageId: 'm-0', text: 'x', occurredAt: '0000-01-01T00:00:00Z' })) }, path: 'body.occurredAt' },
    ];
    const got = [];
    for (const c of cases) {
      const r = await stack.app.inject({ method: c.method, url: c.url, payload: c.payload, headers: c.headers });
      const body = r.json();
      got.push({ name: c.name, status: r.statusCode, code: body.error?.code, path: body.error?.details?.[0]?.path, shaped: typeof body.error?.message === 'string' && Array.isArray(body.error?.details) });
    }
    expect(got).toEqual(cases.map((c) => ({ name: c.name, status: 400, code: expect.stringMatching(/^(VALIDATION_FAILED|INVALID_JSON)$/), path: c.path, shaped: true })));
    // A well-formed run id of no run of this complaint is not found, not a 500.
    const noRun = await stack.app.inject({ method: 'GET', url: `/v1/complaints/${complaintId}/history?runId=80f94079-58c8-77e0-e50e-21fc018008ea&format=raw`, headers: auth('auditor') });
    expect([noRun.statusCode, noRun.json().error.code]).toEqual([404, 'NOT_FOUND']);
    // The same bounds leave ordinary requests alone.
    expect((await stack.app.inject({ method: 'GET', url: '/v1/analytics/hot-topics?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z', headers: auth('supervisor') })).statusCode).toBe(200);
    const nested = await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: { ...json, ...auth('integrator') }, payload: JSON.stringify({ channel: 'web', body: 'Brackets in text are not nesting: [[[{{{', customer: { id: 'n-1' }, metadata: { k: '\\"[{'.repeat(100) } }) });
    expect(nested.statusCode).toBe(201);
  });

  it('an over-long or malformed URL gets the catalogue’s error shape', async () => {
    const long = await stack.app.inject({ method: 'GET', url: `/v1/surveys/${'a'.repeat(600)}` });
    expect(long.statusCode).toBe(414);
    expect(long.json().error.code).toBe('URI_TOO_LONG');
    const bad = await stack.app.inject({ method: 'GET', url: '/v1/complaints/%E0%A4%A' , headers: auth('supervisor') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });
});

describe('logs', () => {
  it('never contain bearer tokens, survey tokens or signatures', async () => {
    const surveyToken = `${complaintId}.secretnonce0123456789.9999999999.c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw`;
    await stack.app.inject({ method: 'GET', url: `/v1/surveys/${surveyToken}` });
    await stack.app.inject({ method: 'GET', url: `/v1/complaints/${complaintId}`, headers: { authorization: 'Bearer dev-supervisor' } });
    await stack.app.inject({ method: 'GET', url: '/v1/complaints', headers: { authorization: 'Bearer wrong-token-that-must-not-leak' } });
    await stack.app.inject({ method: 'POST', url: '/v1/channels/sms', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'dHdpbGlvLXNpZ25hdHVyZS1sZWFr' }, payload: 'From=%2B15550001111&MessageSid=SM1&Body=hi' });
    const body = JSON.stringify({ messageId: 'm-log', text: 'hello' });
    await stack.app.inject({ method: 'POST', url: '/v1/channels/webhook/app', headers: { 'content-type': 'application/json', 'x-signature': hmacSignature('security-webhook-secret-0123', body) }, payload: body });
    const text = await eventually(async () => (logLines.length > 5 ? logLines.join('') : undefined));
    expect(text).toContain('incoming request');
    for (const secret of ['dev-supervisor', 'wrong-token-that-must-not-leak', 'secretnonce0123456789', 'c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3QtbGVhaw', 'dHdpbGlvLXNpZ25hdHVyZS1sZWFr', 'security-webhook-secret-0123', hmacSignature('security-webhook-secret-0123', body).slice(7)]) {
      expect(text, secret).not.toContain(secret);
    }
    expect(text).toContain('/v1/surveys/[redacted]');
  });
});
