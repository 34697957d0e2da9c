import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, eventually, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('e2e');
});

afterAll(async () => {
  await stack?.stop();
});

describe('a complaint from intake to close', () => {
  it('is assigned within seconds, resolves, closes, and its history is in Temporal', async () => {
    const created = await stack.app.inject({
      method: 'POST',
      url: '/v1/complaints',
      headers: auth('integrator'),
      payload: { channel: 'web', body: 'The parcel never arrived and tracking has not moved for a week.', customer: { id: 'cust-1', language: 'en' } },
    });
    expect(created.statusCode).toBe(201);
    const { id, workflowId } = created.json();
    expect(workflowId).toBe(`complaint-${id}`);

    const assigned = await eventually(async () => {
      const r = await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: auth('supervisor') });
      const c = r.json();
      return c.status === 'assigned' ? c : undefined;
    }, 10_000);
    expect(assigned).toMatchObject({ category: 'delivery', department: 'logistics', language: 'en' });
    expect(['h-dave']).toContain(assigned.assignee); // h-wang speaks only Chinese

    const resolved = await stack.app.inject({
      method: 'POST',
      url: `/v1/complaints/${id}/resolve`,
      headers: auth('supervisor'),
      payload: { resolution: 'Reshipped with express delivery.' },
    });
    expect(resolved.statusCode).toBe(200);
    expect(resolved.json()).toEqual({ id, status: 'resolved' });

    const closed = await eventually(async () => {
      const c = (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: auth('auditor') })).json();
      return c.status === 'closed' ? c : undefined;
    });
    expect(closed.timeline.map((t: { type: string }) => t.type)).toEqual(['received', 'triaged', 'assigned', 'resolved', 'closed']);
    expect(closed.timeline[3]).toMatchObject({ actor: 'dev-supervisor', role: 'supervisor' });
    expect(closed.resolution).toBe('Reshipped with express delivery.');

    // The workflow itself: completed, with its full history, and findable by its search attributes.
    const handle = stack.client.workflow.getHandle(workflowId);
    expect(await handle.result()).toEqual({ id, status: 'closed' });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const history = await handle.fetchHistory();
    expect(history.events?.length).toBeGreaterThan(10);
    const found = await eventually(async () => {
      for await (const wf of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}' AND ComplaintStatus = 'closed' AND ComplaintCategory = 'delivery'` })) return wf;
      return undefined;
    });
    expect(found.workflowId).toBe(workflowId);
  });
});
