import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMessages } from '../../src/db/queries/notifications';
import { getTimeline } from '../../src/db/queries/timeline';
import { loadSeedArticles, seedArticles } from '../../src/kb/seed';
import { auth, eventually, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('kb');
  await seedArticles(stack.database.db, loadSeedArticles());
});

afterAll(async () => {
  await stack?.stop();
});

const get = (url: string, role = 'agent') => stack.app.inject({ method: 'GET', url, headers: auth(role) });
const post = (url: string, payload: object, role = 'agent') => stack.app.inject({ method: 'POST', url, headers: auth(role), payload });

async function submit(body: string, customer = 'kb-cust'): Promise<string> {
  const r = await post('/v1/complaints', { channel: 'web', body, customer: { id: customer, email: `${customer}@example.com`, language: 'en' } }, 'integrator');
  expect(r.statusCode).toBe(201);
  return r.json().id;
}

const untilStatus = (id: string, status: string) =>
  eventually(async () => {
    const c = (await get(`/v1/complaints/${id}`, 'supervisor')).json();
    return c.status === status ? c : undefined;
  }, 20_000);

/** Resolves, answers the survey with `score`, and waits for it to close (and a good score's draft). */
async function resolveAndRate(id: string, resolution: string, score: number): Promise<void> {
  await untilStatus(id, 'assigned');
  expect((await post(`/v1/complaints/${id}/resolve`, { resolution }, 'supervisor')).statusCode).toBe(200);
  const link = await eventually(async () => (await listMessages(stack.database.db, id)).find((m) => m.template === 'survey_invitation')?.body.match(/\/v1\/surveys\/(\S+)/)?.[1]);
  expect((await stack.app.inject({ method: 'POST', url: `/v1/surveys/${link}`, payload: { score } })).statusCode).toBe(200);
  // The run stays alive through the reopen window: wait for its last steps in the read model instead.
  await eventually(async () => {
    const types = (await getTimeline(stack.database.db, id)).map((e) => e.type);
    return types.includes('closed') && (score < 4 || types.includes('kb_draft')) ? true : undefined;
  });
}

describe('articles', () => {
  it('agents write drafts, edit them at the version they read, publish and retire; integrators are refused', async () => {
    const created = await post('/v1/kb/articles', { title: 'Gift card not accepted at checkout', body: 'Check the card is activated; re-issue it if the balance shows zero.', language: 'en', category: 'billing', tags: ['gift card'] });
    expect(created.statusCode).toBe(201);
    const a = created.json();
    expect(a).toMatchObject({ status: 'draft', version: 1, createdBy: 'h-alice', sample: false });
    expect(created.headers.location).toBe(`/v1/kb/articles/${a.id}`);
    // A draft is not searchable.
    expect((await get('/v1/kb/search?q=gift%20card%20checkout')).json().items.map((i: { id: string }) => i.id)).not.toContain(a.id);

    const edited = await stack.app.inject({ method: 'PATCH', url: `/v1/kb/articles/${a.id}`, headers: auth('agent'), payload: { version: 1, body: 'Check the card is activated in the back office; re-issue it if the balance shows zero.' } });
    expect(edited.json()).toMatchObject({ version: 2, title: 'Gift card not accepted at checkout' });
    const stale = await stack.app.inject({ method: 'PATCH', url: `/v1/kb/articles/${a.id}`, headers: auth('admin'), payload: { version: 1, title: 'Overwritten' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.details[0].path).toBe('version');
    const empty = await stack.app.inject({ method: 'PATCH', url: `/v1/kb/articles/${a.id}`, headers: auth('agent'), payload: { version: 2 } });
    expect(empty.statusCode).toBe(400);

    expect((await post(`/v1/kb/articles/${a.id}/publish`, {})).json()).toMatchObject({ status: 'published', version: 3 });
    const hits = (await get('/v1/kb/search?q=gift%20card%20refused%20at%20checkout')).json().items;
    expect(hits[0]).toMatchObject({ id: a.id, title: 'Gift card not accepted at checkout', language: 'en' });
    expect(hits[0].score).toBeGreaterThan(0);
    expect((await post(`/v1/kb/articles/${a.id}/reject`, {})).statusCode).toBe(409); // only a draft is rejected
    expect((await post(`/v1/kb/articles/${a.id}/retire`, { version: 3 })).json().status).toBe('retired');
    expect((await get('/v1/kb/search?q=gift%20card%20checkout')).json().items.map((i: { id: string }) => i.id)).not.toContain(a.id);

    const audit = (await get('/v1/audit/log?action=kb_article_published', 'auditor')).json();
    expect(audit.items[0]).toMatchObject({ actor: 'h-alice', action: 'kb_article_published' });
    expect((await post('/v1/kb/articles', { title: 'x x x', body: 'nothing much here', language: 'en' }, 'integrator')).statusCode).toBe(403);
    expect((await get('/v1/kb/search?q=card', 'integrator')).statusCode).toBe(403);
    expect((await get('/v1/kb/articles/no-such-article')).statusCode).toBe(404);
    expect((await post('/v1/kb/articles', { title: 'Bad', body: 'a body long enough', language: 'fr' })).statusCode).toBe(400);
  });

  it('search finds the sample articles in English and in Chinese, and narrows by language', async () => {
    const en = (await get(`/v1/kb/search?q=${encodeURIComponent('I was charged twice for one payment')}`)).json().items;
    expect(en[0].id).toBe('sample-billing-double-charge-en');
    const zh = (await get(`/v1/kb/search?q=${encodeURIComponent('快递一个星期了还没到，物流也不更新')}&lang=zh`)).json().items;
    expect(zh[0].id).toBe('sample-delivery-late-zh');
    expect(zh.every((i: { language: string }) => i.language === 'zh')).toBe(true);
    const samples = (await get('/v1/kb/articles?sample=true&limit=100')).json().items;
    expect(samples.length).toBe(loadSeedArticles().length);
  });
});

describe('decision support at triage', () => {
  it('attaches the best articles with scores; staff see them, integrators do not; the handler’s notice lists them', async () => {
    const id = await submit('You charged me twice for the same order. Please refund the duplicate payment on my card.', 'kb-billing');
    const c = await untilStatus(id, 'assigned');
    expect(c.suggestions[0]).toMatchObject({ kind: 'article', articleId: 'sample-billing-double-charge-en', title: 'Charged twice for one order or payment' });
    expect(c.suggestions.filter((s: { kind: string }) => s.kind === 'article').length).toBeLessThanOrEqual(3);
    expect(c.suggestions[0].score).toBeGreaterThan(0);
    expect((await get(`/v1/complaints/${id}`, 'integrator')).json()).not.toHaveProperty('suggestions');
    const notice = await eventually(async () => (await listMessages(stack.database.db, id)).find((m) => m.template === 'assignment_notice'));
    expect(notice.body).toContain('Charged twice for one order or payment');
    expect(notice.body).toContain('/v1/kb/articles/sample-billing-double-charge-en');
  });
});

describe('learning from resolved complaints', () => {
  it('a well-rated resolution becomes a draft; published, it is suggested for a new similar complaint, with the past resolution', async () => {
    const first = await submit('My new espresso machine leaks water from the bottom of the boiler after two days of use.', 'kb-espresso-1');
    await resolveAndRate(first, 'Sent a replacement boiler gasket kit with a fitting video; the espresso machine no longer leaks.', 5);
    const draft = (await get(`/v1/complaints/${first}`, 'supervisor')).json().timeline.find((e: { type: string }) => e.type === 'kb_draft');
    expect(draft.data).toMatchObject({ created: true });
    const article = (await get(`/v1/kb/articles/${draft.data.articleId}`)).json();
    expect(article).toMatchObject({ status: 'draft', sourceComplaintId: first, language: 'en', tags: ['learnt'] });
    expect(article.body).toContain('boiler gasket kit');
    expect((await get('/v1/kb/articles?status=draft')).json().items.map((a: { id: string }) => a.id)).toContain(article.id);
    expect((await post(`/v1/kb/articles/${article.id}/publish`, { version: article.version })).statusCode).toBe(200);

    const second = await submit('The espresso machine is leaking water under the boiler.', 'kb-espresso-2');
    const c = await untilStatus(second, 'assigned');
    expect(c.suggestions).toContainEqual(expect.objectContaining({ kind: 'article', articleId: article.id }));
    expect(c.suggestions).toContainEqual(expect.objectContaining({ kind: 'resolution', complaintId: first, resolution: expect.stringContaining('gasket'), surveyScore: 5 }));

    const similar = (await get(`/v1/complaints/${second}/similar`)).json().items;
    expect(similar[0]).toMatchObject({ id: first, status: 'closed', surveyScore: 5, resolution: expect.stringContaining('gasket') });
    expect(similar[0].score).toBeGreaterThan(0.2);
    expect((await get(`/v1/complaints/${second}/similar`, 'integrator')).statusCode).toBe(403);

    // The same fix rated well again repeats the published article: no second draft, the original is named.
    await resolveAndRate(second, 'Sent a replacement boiler gasket kit with a fitting video; the espresso machine no longer leaks.', 4);
    const repeat = (await get(`/v1/complaints/${second}`, 'supervisor')).json().timeline.find((e: { type: string }) => e.type === 'kb_draft');
    expect(repeat.data).toMatchObject({ created: false, duplicateOf: article.id });

    // Erasing the first customer: the suggestion on the second complaint no longer shows their words,
    // and the first complaint is no longer offered as similar.
    expect((await post('/v1/customers/kb-espresso-1/erasure', { reason: 'customer request' }, 'admin')).statusCode).toBe(200);
    const after = (await get(`/v1/complaints/${second}`, 'supervisor')).json().suggestions.find((x: { kind: string }) => x.kind === 'resolution');
    expect(after.resolution).toBe('[redacted]');
    expect((await get(`/v1/complaints/${second}/similar`)).json().items.map((i: { id: string }) => i.id)).not.toContain(first);
  });

  it('erasing a customer deletes the drafts learnt from their complaints', async () => {
    const id = await submit('My blender lid cracked the first time I used it on a hot soup.', 'kb-blender');
    await resolveAndRate(id, 'Sent a heat-resistant replacement lid by courier the same day.', 5);
    const draft = (await get(`/v1/complaints/${id}`, 'supervisor')).json().timeline.find((e: { type: string }) => e.type === 'kb_draft');
    expect(draft.data.created).toBe(true);
    await post('/v1/customers/kb-blender/erasure', { reason: 'customer request' }, 'admin');
    expect((await get(`/v1/kb/articles/${draft.data.articleId}`)).statusCode).toBe(404);
  });
});
