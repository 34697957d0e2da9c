import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainingExamples } from '../../src/db/schema';
import { auth, eventually, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('routing');
});

afterAll(async () => {
  await stack?.stop();
});

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, role: string, payload?: object) => stack.app.inject({ method, url, headers: auth(role), ...(payload ? { payload } : {}) });
const view = async (id: string) => (await call('GET', `/v1/complaints/${id}`, 'supervisor')).json();

async function submit(body: string): Promise<string> {
  const id = (await call('POST', '/v1/complaints', 'integrator', { channel: 'web', body })).json().id;
  await eventually(async () => ((await view(id)).status === 'assigned' ? true : undefined));
  return id;
}

describe('departments and handlers admin API', () => {
  it('creates, lists and changes them, validated, admin only', async () => {
    expect((await call('POST', '/v1/departments', 'admin', { id: 'vip', name: 'VIP desk' })).statusCode).toBe(201);
    // Which categories a department serves is the taxonomy's to say (PUT /v1/taxonomy), not the department's.
    const withCategories = await call('POST', '/v1/departments', 'admin', { id: 'vip2', name: 'VIP desk', categories: ['vip'] });
    expect(withCategories.statusCode).toBe(400);
    expect(JSON.stringify(withCategories.json().error.details)).toMatch(/categories/);
    expect((await call('POST', '/v1/departments', 'admin', { id: 'vip', name: 'again' })).statusCode).toBe(409);
    expect((await call('POST', '/v1/departments', 'supervisor', { id: 'x', name: 'x' })).statusCode).toBe(403);
    const bad = await call('POST', '/v1/handlers', 'admin', { id: 'h-new', name: 'New', department: 'nowhere', languages: ['en'], capacity: 3 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('body.department');
    const badShift = await call('POST', '/v1/handlers', 'admin', { id: 'h-new', name: 'New', department: 'vip', languages: ['en'], capacity: 3, shift: { timeZone: 'Mars/Base', hours: { mon: ['09:00-18:00'] } } });
    expect(badShift.statusCode).toBe(400);
    const created = await call('POST', '/v1/handlers', 'admin', { id: 'h-new', name: 'New', department: 'vip', skills: ['vip'], languages: ['en'], capacity: 3, shift: { timeZone: 'Europe/London', hours: { mon: ['09:00-17:30'] } } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'h-new', openCount: 0, active: true, shift: { timeZone: 'Europe/London', hours: { mon: ['09:00-17:30'] } } });
    const listed = (await call('GET', '/v1/handlers?department=vip', 'supervisor')).json();
    expect(listed.items.map((h: { id: string }) => h.id)).toEqual(['h-new']);
    // A PATCH changes only what it names: skills, languages and active stay as they were.
    expect((await call('PATCH', '/v1/handlers/h-new', 'supervisor', { capacity: 5 })).json()).toMatchObject({ capacity: 5, released: 0, skills: ['vip'], active: true });
    expect((await call('PATCH', '/v1/handlers/nobody', 'admin', { capacity: 5 })).statusCode).toBe(404);
    const audit = (await call('GET', '/v1/audit/log?action=handler_created', 'auditor')).json();
    expect(audit.items[0]).toMatchObject({ actor: 'dev-admin', role: 'admin', data: { id: 'h-new' } });
  });
});

describe('redistribution', () => {
  it('deactivating a handler with 5 open complaints moves all 5 to others within seconds', async () => {
    expect((await call('POST', '/v1/handlers', 'admin', { id: 'h-temp', name: 'Temp', department: 'customer-care', skills: ['service_attitude', 'other'], languages: ['en', 'zh'], capacity: 10 })).statusCode).toBe(201);
    const ids: string[] = [];
    for (let k = 0; k < 5; k++) {
      const id = await submit(`Nobody helped me at the desk (${k})`);
      expect((await call('POST', `/v1/complaints/${id}/assign`, 'supervisor', { handlerId: 'h-temp', reason: 'setup' })).statusCode).toBe(200);
      ids.push(id);
    }
    const gone = await call('DELETE', '/v1/handlers/h-temp', 'admin');
    expect(gone.json()).toMatchObject({ active: false, released: 5 });
    const started = Date.now();
    for (const id of ids) {
      const c = await eventually(async () => {
        const v = await view(id);
        return v.status === 'assigned' && v.assignee && v.assignee !== 'h-temp' ? v : undefined;
      }, 10_000);
      expect(c.timeline.map((t: { type: string }) => t.type)).toEqual(expect.arrayContaining(['unassigned', 'assigned']));
    }
    expect(Date.now() - started).toBeLessThan(10_000);
    const temp = (await call('GET', '/v1/handlers?department=customer-care', 'supervisor')).json().items.find((h: { id: string }) => h.id === 'h-temp');
    expect(temp.openCount).toBe(0);
  });

  it('a capacity cut releases the newest complaints beyond the new capacity', async () => {
    expect((await call('POST', '/v1/handlers', 'admin', { id: 'h-cut', name: 'Cut', department: 'customer-care', skills: ['service_attitude', 'other'], languages: ['en'], capacity: 10 })).statusCode).toBe(201);
    const ids: string[] = [];
    for (let k = 0; k < 3; k++) {
      const id = await submit(`The staff ignored me (${k})`);
      await call('POST', `/v1/complaints/${id}/assign`, 'supervisor', { handlerId: 'h-cut', reason: 'setup' });
      ids.push(id);
    }
    expect((await call('PATCH', '/v1/handlers/h-cut', 'admin', { capacity: 1 })).json()).toMatchObject({ released: 2 });
    await eventually(async () => ((await view(ids[2]!)).assignee !== 'h-cut' && (await view(ids[1]!)).assignee !== 'h-cut' ? true : undefined));
    expect((await view(ids[0]!)).assignee).toBe('h-cut');
  });
});

describe("an agent's queue", () => {
  it('lists own open complaints by nearest SLA deadline; other agents are refused', async () => {
    const a = await submit('Rude staff, and I will sue'); // P1: due within the hour
    const b = await submit('The staff were slow today'); // P3: due in working hours
    for (const id of [b, a]) await call('POST', `/v1/complaints/${id}/assign`, 'supervisor', { handlerId: 'h-alice', reason: 'setup' });
    const q = (await call('GET', '/v1/handlers/h-alice/queue', 'agent')).json();
    const ids = q.items.map((i: { id: string }) => i.id);
    expect(ids.indexOf(a)).toBeLessThan(ids.indexOf(b));
    expect((await call('GET', '/v1/handlers/h-bob/queue', 'agent')).statusCode).toBe(403);
    expect((await call('GET', '/v1/handlers/h-bob/queue', 'supervisor')).statusCode).toBe(200);
  });
});

describe('load counters', () => {
  it('equal what the read model says after a storm of assigns, transfers, resolves and deactivations', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, (_, k) => submit(`The counter staff were rude (${k})`)));
    await Promise.all(
      ids.map(async (id, k) => {
        if (k % 4 === 0) await call('POST', `/v1/complaints/${id}/assign`, 'supervisor', { handlerId: 'h-bob', reason: 'storm' });
        if (k % 4 === 1) await call('POST', `/v1/complaints/${id}/transfer`, 'supervisor', { department: 'billing', reason: 'storm' });
        if (k % 4 === 2) await call('POST', `/v1/complaints/${id}/resolve`, 'supervisor', { resolution: 'storm' });
      }),
    );
    await call('PATCH', '/v1/handlers/h-bob', 'admin', { active: false });
    // Let every workflow settle, then compare each handler's counter with a count of the read model.
    await eventually(async () => {
      const views = await Promise.all(ids.map(view));
      const settled = views.every((v) => ['resolved', 'closed'].includes(v.status) || (v.status === 'assigned' && v.assignee !== 'h-bob'));
      return settled ? true : undefined;
    }, 20_000, 2000);
    const handlersNow = (await call('GET', '/v1/handlers', 'admin')).json().items as Array<{ id: string; openCount: number }>;
    for (const h of handlersNow) {
      const open = [];
      for (const status of ['assigned', 'in_progress', 'pending_customer']) {
        open.push(...(await call('GET', `/v1/complaints?assignee=${h.id}&status=${status}&limit=500`, 'supervisor')).json().items);
      }
      expect(h.openCount, h.id).toBe(open.length);
    }
  });
});

describe('category corrections', () => {
  it('a supervisor correction re-routes the complaint and is kept as a training example', async () => {
    const id = await submit('The staff were unhelpful about my card');
    expect((await view(id)).department).toBe('customer-care');
    const r = await call('POST', `/v1/complaints/${id}/category`, 'supervisor', { category: 'billing', reason: 'it is a disputed charge' });
    expect(r.json()).toEqual({ id, status: 'triaged' });
    const moved = await eventually(async () => {
      const v = await view(id);
      return v.status === 'assigned' ? v : undefined;
    });
    expect(moved).toMatchObject({ category: 'billing', department: 'billing' });
    expect(['h-li', 'h-carol']).toContain(moved.assignee);
    const examples = await stack.database.db.select().from(trainingExamples).where(eq(trainingExamples.complaintId, id));
    expect(examples).toEqual([expect.objectContaining({ task: 'category', label: 'billing', previousLabel: 'service_attitude', actor: 'dev-supervisor' })]);
  });
});

describe('wake-up when capacity frees', () => {
  it('a complaint waiting for room is assigned within seconds of another being resolved, not at the next timer', async () => {
    for (const h of ['h-zhao', 'h-erin']) await call('PATCH', `/v1/handlers/${h}`, 'admin', { capacity: h === 'h-erin' ? 1 : 0 });
    const first = await submit('My kettle arrived broken and defective');
    expect((await view(first)).assignee).toBe('h-erin');
    const second = (await call('POST', '/v1/complaints', 'integrator', { channel: 'web', body: 'My lamp arrived broken and defective' })).json().id;
    await eventually(async () => ((await view(second)).status === 'triaged' ? true : undefined));
    await call('POST', `/v1/complaints/${first}/resolve`, 'supervisor', { resolution: 'replaced' });
    const started = Date.now();
    const assigned = await eventually(async () => {
      const v = await view(second);
      return v.status === 'assigned' ? v : undefined;
    }, 10_000);
    expect(assigned.assignee).toBe('h-erin');
    expect(Date.now() - started).toBeLessThan(10_000); // the safety-net re-check is 5 minutes away
  });
});
