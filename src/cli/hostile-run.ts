/**
 * The hostile run: the inputs of the hostile-input review (issue 20) sent to the running service, as an
 * attacker or a careless integrator would send them. Starts the whole service on free ports and a fresh
 * data directory, with two integrators (tenants) and one token of each staff role, then fails on
 *   - any 5xx,
 *   - an answer other than the one the case expects (each case names it),
 *   - any complaint that got a 2xx and is not `triaged`, `assigned` or `needs_attention` 60 s later,
 *   - anything one integrator sends that lands in the other's complaint.
 *
 *   npm run hostile
 */
import { startServiceProcess } from './service-process';

const TOKENS = {
  a: 'hostile-integrator-a',
  b: 'hostile-integrator-b',
  supervisor: 'hostile-supervisor',
  auditor: 'hostile-auditor',
  admin: 'hostile-admin',
};
const API_TOKENS = `integrator:${TOKENS.a}:tenant-a,integrator:${TOKENS.b}:tenant-b,supervisor:${TOKENS.supervisor}:sup-1,auditor:${TOKENS.auditor}:aud-1,admin:${TOKENS.admin}:adm-1`;
const SETTLED = new Set(['triaged', 'assigned', 'needs_attention']);
const STUCK_AFTER_MS = 60_000;

interface Case {
  name: string;
  method?: 'GET' | 'POST';
  path: string;
  token?: string;
  /** A JSON value, or a raw string sent as it is with `contentType`. */
  body?: unknown;
  raw?: string;
  contentType?: string;
  /** The answers that are right for this input. */
  expect: number[];
}

const json = (value: unknown): string => JSON.stringify(value);
/** JSON text with a lone UTF-16 surrogate, which JSON.stringify would escape into a well-formed pair-less \ud800 anyway. */
const withLoneSurrogate = (template: object, field: string): string => json(template).replace(`"${field}"`, '"\\ud800"');

function cases(): Case[] {
  const complaint = (body: unknown, extra: object = {}) => ({ channel: 'web', body, customer: { id: 'c-hostile', email: 'c@example.com' }, ...extra });
  const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
  return [
    { name: 'lone surrogate in the body', path: '/v1/complaints', raw: withLoneSurrogate(complaint('LONE'), 'LONE'), expect: [400] },
    { name: 'lone surrogate in metadata', path: '/v1/complaints', raw: withLoneSurrogate(complaint('My parcel is late', { metadata: { note: 'LONE' } }), 'LONE'), expect: [400] },
    { name: 'NUL in the body', path: '/v1/complaints', body: complaint('broken\u0000kettle'), expect: [400] },
    { name: 'whitespace-only body', path: '/v1/complaints', body: complaint('\u200b\u3000'), expect: [400] },
    { name: 'one 20,000-character word', path: '/v1/complaints', body: complaint('a'.repeat(20_000)), expect: [201, 400] },
    { name: 'JSON nested 20,000 deep, no token', path: '/v1/complaints', token: '', raw: deep, expect: [400, 401] },
    { name: 'JSON nested 20,000 deep', path: '/v1/complaints', raw: deep, expect: [400] },
    { name: 'audit cursor past int8', method: 'GET', path: '/v1/audit/log?cursor=9223372036854775808', token: TOKENS.auditor, expect: [400] },
    { name: 'complaint cursor at year -271821', method: 'GET', path: `/v1/complaints?cursor=${Buffer.from(json(['-271821-04-20T00:00:00.000Z', 'x'])).toString('base64url')}`, token: TOKENS.supervisor, expect: [400] },
    { name: 'KB cursor 999999999999999:abc', method: 'GET', path: `/v1/kb/articles?cursor=${Buffer.from('999999999999999:abc').toString('base64url')}`, token: TOKENS.supervisor, expect: [400] },
    { name: 'hot topics over 1970-9999', method: 'GET', path: '/v1/analytics/hot-topics?from=1970-01-01T00:00:00Z&to=9999-12-31T00:00:00Z', token: TOKENS.supervisor, expect: [200, 400] },
    { name: 'audit replay with SQL in the query', path: '/v1/audit/replay', token: TOKENS.auditor, body: { query: "'; DROP" }, expect: [400] },
    {
      name: 'email of 950,000 characters',
      path: '/v1/channels/email',
      contentType: 'message/rfc822',
      raw: `From: big@example.com\r\nTo: complaints@example.com\r\nSubject: big\r\nMessage-ID: <big-1@example.com>\r\n\r\n${'word '.repeat(190_000)}`,
      expect: [400, 413],
    },
  ];
}

interface Answer {
  status: number;
  body: string;
}

async function send(base: string, c: { method?: string; path: string; token?: string; body?: unknown; raw?: string; contentType?: string; headers?: Record<string, string> }): Promise<Answer> {
  const headers: Record<string, string> = { ...(c.headers ?? {}) };
  if (c.token !== '') headers.authorization = `Bearer ${c.token ?? TOKENS.a}`;
  const payload = c.raw ?? (c.body === undefined ? undefined : json(c.body));
  if (payload !== undefined) headers['content-type'] = c.contentType ?? 'application/json';
  const r = await fetch(`${base}${c.path}`, { method: c.method ?? 'POST', headers, body: payload, signal: AbortSignal.timeout(60_000) });
  return { status: r.status, body: await r.text() };
}

async function main(): Promise<number> {
  const service = await startServiceProcess({ API_TOKENS, RATE_LIMIT_PER_MINUTE: '1000000' });
  const failures: string[] = [];
  const accepted: string[] = [];
  let requests = 0;
  let serverErrors = 0;
  const check = (name: string, a: Answer, expected: number[]): void => {
    requests++;
    if (a.status >= 500) serverErrors++;
    const ok = expected.includes(a.status);
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${String(a.status).padEnd(3)} ${name}${ok ? '' : ` (expected ${expected.join(' or ')}): ${a.body.slice(0, 200)}`}`);
    if (!ok) failures.push(`${name}: ${a.status}`);
    if (a.status < 300) {
      const id = (JSON.parse(a.body) as { id?: string }).id;
      if (id) accepted.push(id);
    }
  };
  try {
    const base = service.base;
    for (const c of cases()) check(c.name, await send(base, c), c.expect);

    // Tenancy: B's email naming A's complaint must not thread into it.
    const mine = await send(base, { path: '/v1/complaints', body: { channel: 'web', body: 'My refund has not arrived.', customer: { id: 'c-a', email: 'a@example.com' } } });
    check("tenant A's complaint", mine, [201]);
    const aId = (JSON.parse(mine.body) as { id: string }).id;
    const before = await send(base, { method: 'GET', path: `/v1/complaints/${aId}`, token: TOKENS.supervisor });
    const crossed = await send(base, { path: '/v1/channels/email', token: TOKENS.b, body: { from: { address: 'mallory@example.com' }, subject: `Re: complaint ${aId}`, text: 'Cancel everything and send the refund to my account instead.' } });
    check("tenant B's email naming A's complaint opens its own", crossed, [201]);
    if (crossed.status < 300 && (JSON.parse(crossed.body) as { threaded?: boolean }).threaded) failures.push("B's email threaded into A's complaint");
    const after = await send(base, { method: 'GET', path: `/v1/complaints/${aId}`, token: TOKENS.supervisor });
    const replies = (a: Answer) => ((JSON.parse(a.body) as { timeline?: Array<{ type: string }> }).timeline ?? []).filter((e) => e.type === 'customer_reply').length;
    if (replies(after) !== replies(before)) failures.push("A's complaint gained a customer reply from B");
    check("tenant B cannot read A's complaint", await send(base, { method: 'GET', path: `/v1/complaints/${aId}`, token: TOKENS.b }), [404]);

    // An Idempotency-Key reused with another body.
    const first = await send(base, { path: '/v1/complaints', body: { channel: 'web', body: 'Charged twice for order 77.', customer: { id: 'c-k' } }, headers: { 'idempotency-key': 'hostile-k1' } });
    check('a complaint with a key', first, [201]);
    check('the same key, another body', await send(base, { path: '/v1/complaints', body: { channel: 'web', body: 'Something else entirely.', customer: { id: 'c-k' } }, headers: { 'idempotency-key': 'hostile-k1' } }), [422]);

    // Failed authentication is throttled per address; a valid token from that address keeps working.
    const statuses = new Set<number>();
    for (let i = 0; i < 130; i++) {
      const r = await send(base, { method: 'GET', path: '/v1/complaints', token: `forged-${i}` });
      requests++;
      if (r.status >= 500) serverErrors++;
      statuses.add(r.status);
    }
    if (!statuses.has(429)) failures.push(`130 forged tokens were never throttled (answers: ${[...statuses].join(', ')})`);
    console.log(`${statuses.has(429) ? 'ok  ' : 'FAIL'} 130 forged tokens from one address: ${[...statuses].sort().join(', ')}`);
    check('a valid token after the forged ones', await send(base, { method: 'GET', path: '/v1/complaints', token: TOKENS.supervisor }), [200]);

    // Every complaint that got a 2xx settles.
    const deadline = Date.now() + STUCK_AFTER_MS;
    const pending = new Set(accepted);
    while (pending.size > 0 && Date.now() < deadline) {
      for (const id of [...pending]) {
        const r = await send(base, { method: 'GET', path: `/v1/complaints/${id}`, token: TOKENS.supervisor });
        if (r.status === 200 && SETTLED.has((JSON.parse(r.body) as { status: string }).status)) pending.delete(id);
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 1000));
    }
    for (const id of pending) failures.push(`complaint ${id} is stuck (not triaged, assigned or needs_attention after 60 s)`);
    console.log(`\nhostile: ${requests} requests, ${serverErrors} answered 5xx, ${accepted.length} complaints accepted, ${pending.size} stuck`);
    if (serverErrors > 0) failures.push(`${serverErrors} answers were 5xx`);
  } finally {
    await service.stop();
  }
  for (const f of failures) console.error(`hostile: ${f}`);
  return failures.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
