import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTaxonomyFile, type Taxonomy } from '../../src/taxonomy/taxonomy';
import { auth, eventually, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;

// A high threshold: every category a model decides is a guess here, every rule-decided one is sure.
beforeAll(async () => {
  stack = await startTestStack('api-taxonomy', { confidenceThreshold: 0.99 });
});

afterAll(async () => {
  await stack?.stop();
});

const call = (method: 'GET' | 'POST' | 'PUT', url: string, role: string, payload?: object) => stack.app.inject({ method, url, headers: auth(role), ...(payload ? { payload } : {}) });
const view = async (id: string) => (await call('GET', `/v1/complaints/${id}`, 'supervisor')).json();
const submit = async (body: string): Promise<string> => (await call('POST', '/v1/complaints', 'integrator', { channel: 'web', body })).json().id;
const triaged = (id: string) => eventually(async () => ((await view(id)).department ? view(id) : undefined));

describe('taxonomy admin API', () => {
  it('staff read the shipped taxonomy as version 1; integrators may not', async () => {
    for (const role of ['agent', 'supervisor', 'auditor', 'admin']) {
      const r = await call('GET', '/v1/taxonomy', role);
      expect(r.statusCode, role).toBe(200);
      expect(r.json()).toMatchObject({ version: 1, createdBy: 'seed', fallbackCategory: 'other', warnings: [] });
      expect(r.json().categories.map((c: { id: string }) => c.id)).toEqual(loadTaxonomyFile().categories.map((c) => c.id));
    }
    expect((await call('GET', '/v1/taxonomy', 'integrator')).statusCode).toBe(403);
    // The departments show the taxonomy's projection: safety serves safety_hazard because the taxonomy says so.
    const departments = (await call('GET', '/v1/departments', 'admin')).json().items;
    expect(departments.find((d: { id: string }) => d.id === 'safety').categories).toEqual(['safety_hazard']);
    expect(departments.find((d: { id: string }) => d.id === 'customer-care').categories).toEqual(['service_attitude', 'account_access', 'other']);
  });

  it('a replacement is admin only, validated with every bad field named, and refused for unknown departments', async () => {
    const t = loadTaxonomyFile();
    expect((await call('PUT', '/v1/taxonomy', 'supervisor', t)).statusCode).toBe(403);
    const bad = await call('PUT', '/v1/taxonomy', 'admin', { ...t, fallbackCategory: 'nothing', categories: [{ ...t.categories[0], id: 'Bad Id' }, ...t.categories.slice(1)] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect(bad.json().error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['body.categories.0.id', 'body.fallbackCategory']));
    const nowhere = await call('PUT', '/v1/taxonomy', 'admin', { ...t, categories: t.categories.map((c, i) => (i === 2 ? { ...c, department: 'nowhere' } : c)) });
    expect(nowhere.statusCode).toBe(400);
    expect(nowhere.json().error.details).toEqual([{ path: 'body.categories.2.department', message: 'no department "nowhere"' }]);
    expect((await call('GET', '/v1/taxonomy', 'admin')).json().version).toBe(1);
  });

  it('a new version is stored, audited, and used by the next complaint without a restart', async () => {
    const before = await triaged(await submit('My warranty claim for the dishwasher was refused.'));
    expect(before.category).not.toBe('warranty');
    const t: Taxonomy = loadTaxonomyFile();
    const next = {
      expectedVersion: 1,
      ...t,
      categories: [
        ...t.categories,
        { id: 'warranty', name: { en: 'Warranty', zh: '保修' }, department: 'quality', description: 'Warranty and guarantee claims.', examples: ['My warranty claim was refused.', '保修期内维修还要收费。'], keywords: ['warranty', '保修'] },
      ],
    };
    const saved = await call('PUT', '/v1/taxonomy', 'admin', next);
    expect(saved.statusCode).toBe(200);
    // Nobody in quality has the skill yet: said plainly, not refused.
    expect(saved.json()).toMatchObject({ version: 2, createdBy: 'dev-admin', warnings: [{ category: 'warranty' }] });
    expect((await call('PUT', '/v1/taxonomy', 'admin', next)).statusCode).toBe(409); // expectedVersion 1 is stale now
    const audit = (await call('GET', '/v1/audit/log?action=taxonomy_replaced', 'auditor')).json().items;
    expect(audit[0]).toMatchObject({ actor: 'dev-admin', role: 'admin', data: { version: 2, previousVersion: 1 } });
    expect(audit[0].data.categories).toContain('warranty→quality');

    const after = await triaged(await submit('My warranty claim for the dishwasher was refused.'));
    expect(after).toMatchObject({ category: 'warranty', department: 'quality', needsHumanTriage: false });
    expect(after.timeline.find((e: { type: string }) => e.type === 'triaged').data).toMatchObject({ taxonomyVersion: 2, decidedBy: 'rule:warranty' });
  });
});

describe('needsHumanTriage: a guess below the threshold is not routed until a supervisor confirms it', () => {
  it('waits as triaged, is listed by the filter, and goes to its department once confirmed', async () => {
    const sure = await triaged(await submit('The agent was rude and hung up on me.'));
    const id = await submit('Nobody helped me at the desk this morning.');
    const guess = await triaged(id);
    expect(guess).toMatchObject({ status: 'triaged', needsHumanTriage: true, assignee: null });
    expect(guess.category).toBeTruthy();
    // The sure one, submitted first, has long been assigned: the guess is not merely slower.
    expect((await view(sure.id)).status).toBe('assigned');
    const listed = (await call('GET', '/v1/complaints?needsHumanTriage=true&limit=500', 'supervisor')).json().items.map((c: { id: string }) => c.id);
    expect(listed).toContain(id);
    expect(listed).not.toContain(sure.id);
    // A wake-up (another complaint freeing a place) does not route it either.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await view(id)).toMatchObject({ status: 'triaged', assignee: null, needsHumanTriage: true });

    // Confirming is a correction to the same category.
    const confirm = await call('POST', `/v1/complaints/${id}/category`, 'supervisor', { category: guess.category, reason: 'checked: right category' });
    expect(confirm.statusCode).toBe(200);
    const routed = await eventually(async () => ((await view(id)).status === 'assigned' ? view(id) : undefined));
    expect(routed).toMatchObject({ category: guess.category, needsHumanTriage: false });
    expect((await call('GET', '/v1/complaints?needsHumanTriage=true&limit=500', 'supervisor')).json().items.map((c: { id: string }) => c.id)).not.toContain(id);
    // Once confirmed, the same category again is no correction.
    expect((await call('POST', `/v1/complaints/${id}/category`, 'supervisor', { category: guess.category, reason: 'again' })).statusCode).toBe(400);
  });
});

describe('category corrections are checked against the taxonomy', () => {
  it('an unknown category is 400 in the API.md shape, without echoing the value', async () => {
    const id = (await triaged(await submit('The agent was rude on the phone.'))).id;
    const payload = '<img src=x onerror=alert(1)>';
    const r = await call('POST', `/v1/complaints/${id}/category`, 'supervisor', { category: payload, reason: 'xss probe' });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'Unknown category.', details: [{ path: 'body.category', message: expect.stringMatching(/not a category of taxonomy version \d+/) }] } });
    expect(r.body).not.toContain('<img');
    expect((await view(id)).category).toBe('service_attitude');
    expect((await call('POST', `/v1/complaints/${id}/category`, 'supervisor', { category: 'privacy', reason: 'a real one' })).statusCode).toBe(200);
  });
});
