import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, eventually, startTestStack, type TestStack } from '../helpers/stack';

// The dev agent token is h-alice, a handler of customer-care (src/defaults/routing.yml).
const stacks: Record<'department' | 'own', TestStack | undefined> = { department: undefined, own: undefined };

beforeAll(async () => {
  stacks.department = await startTestStack('agent-visibility');
  stacks.own = await startTestStack('agent-visibility-own', { agentVisibility: 'own' });
}, 180_000);

afterAll(async () => {
  await stacks.department?.stop();
  await stacks.own?.stop();
});

const CUSTOMER = { id: 'c-vis', name: 'Wang Fang', email: 'wang.fang@example.com', phone: '+8613800138000' };

async function complaint(stack: TestStack, body: string): Promise<{ id: string; department: string; assignee: string | null }> {
  const { id } = (await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body, customer: CUSTOMER } })).json();
  return eventually(async () => {
    const v = (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: auth('supervisor') })).json();
    return v.status === 'assigned' ? { id, department: v.department, assignee: v.assignee } : undefined;
  }, 60_000);
}

const get = (stack: TestStack, url: string) => stack.app.inject({ method: 'GET', url, headers: auth('agent') });

describe('agents read their department, and contact details only on their own complaints (#20 item 6)', () => {
  it('department visibility: another department is 404 and absent from lists; contact details only once assigned to the agent', async () => {
    const stack = stacks.department!;
    const care = await complaint(stack, 'The staff at the branch were rude and shouted at me.');
    const billing = await complaint(stack, 'I was charged twice for the same invoice this month.');
    expect(care.department).toBe('customer-care');
    expect(billing.department).toBe('billing');

    expect((await get(stack, `/v1/complaints/${billing.id}`)).statusCode).toBe(404);
    const listed = (await get(stack, '/v1/complaints?limit=100')).json().items as Array<{ id: string; department: string; customer: Record<string, unknown> }>;
    expect(listed.map((c) => c.id)).toContain(care.id);
    expect(listed.map((c) => c.id)).not.toContain(billing.id);
    expect(new Set(listed.map((c) => c.department))).toEqual(new Set(['customer-care']));
    // Asking for another department's filter finds nothing rather than widening the reach.
    expect((await get(stack, '/v1/complaints?department=billing')).json().items).toEqual([]);

    const mine = care.assignee === 'h-alice';
    if (!mine) {
      const other = (await get(stack, `/v1/complaints/${care.id}`)).json();
      expect(other.customer).toEqual({ id: 'c-vis', name: null, email: null, phone: null, language: null });
      expect(JSON.stringify(other)).not.toContain('wang.fang@example.com');
      expect(listed.find((c) => c.id === care.id)!.customer.email).toBeNull();
      await stack.app.inject({ method: 'POST', url: `/v1/complaints/${care.id}/assign`, headers: auth('supervisor'), payload: { handlerId: 'h-alice', reason: 'test' } });
    }
    const own = (await get(stack, `/v1/complaints/${care.id}`)).json();
    expect(own.customer).toMatchObject({ name: 'Wang Fang', email: 'wang.fang@example.com', phone: '+8613800138000' });
    // Supervisors see everything, contact details included.
    const sup = (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${billing.id}`, headers: auth('supervisor') })).json();
    expect(sup.customer.email).toBe('wang.fang@example.com');
  });

  it('own visibility: only complaints assigned to the agent, whatever their department', async () => {
    const stack = stacks.own!;
    const care = await complaint(stack, 'The receptionist ignored me for half an hour and then laughed.');
    if (care.assignee === 'h-alice') await stack.app.inject({ method: 'POST', url: `/v1/complaints/${care.id}/assign`, headers: auth('supervisor'), payload: { handlerId: 'h-bob', reason: 'test' } });
    expect((await get(stack, `/v1/complaints/${care.id}`)).statusCode).toBe(404);
    expect((await get(stack, '/v1/complaints')).json().items.map((c: { id: string }) => c.id)).not.toContain(care.id);
    await stack.app.inject({ method: 'POST', url: `/v1/complaints/${care.id}/assign`, headers: auth('supervisor'), payload: { handlerId: 'h-alice', reason: 'test' } });
    expect((await get(stack, `/v1/complaints/${care.id}`)).statusCode).toBe(200);
    expect((await get(stack, '/v1/complaints')).json().items.map((c: { id: string }) => c.id)).toEqual([care.id]);
  });
});
