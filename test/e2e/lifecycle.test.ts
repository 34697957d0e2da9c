import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMessages } from '../../src/db/queries/notifications';
import { statusQuery } from '../../workflows/complaint.messages';
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
      payload: { channel: 'web', body: 'The parcel never arrived and tracking has not moved for a week.', customer: { id: 'cust-1', language: 'en', email: 'cust-1@example.com' } },
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

    // The survey invitation went to the customer's outbox with a signed link; answering it closes the complaint.
    const link = await eventually(async () => {
      const msgs = await listMessages(stack.database.db, id);
      return msgs.find((m) => m.template === 'survey_invitation')?.body.match(/\/v1\/surveys\/(\S+)/)?.[1];
    });
    const survey = await stack.app.inject({ method: 'GET', url: `/v1/surveys/${link}` });
    expect(survey.json()).toMatchObject({ complaintId: id, status: 'pending' });
    const answered = await stack.app.inject({ method: 'POST', url: `/v1/surveys/${link}`, payload: { score: 5, comment: 'Quick and kind' } });
    expect(answered.statusCode).toBe(200);
    const again = await stack.app.inject({ method: 'POST', url: `/v1/surveys/${link}`, payload: { score: 1 } });
    expect(again.statusCode).toBe(409); // single-use
    const forged = await stack.app.inject({ method: 'POST', url: `/v1/surveys/${link.slice(0, -2)}xx`, payload: { score: 1 } });
    expect(forged.statusCode).toBe(404);

    // Closed, then its last step: a score of 5 drafts a knowledge-base article from the resolution.
    const closed = await eventually(async () => {
      const c = (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: auth('auditor') })).json();
      return c.timeline.some((t: { type: string }) => t.type === 'kb_draft') ? c : undefined;
    });
    expect(closed.status).toBe('closed');
    const types = closed.timeline.map((t: { type: string }) => t.type).filter((t: string) => t !== 'notification');
    expect(types).toEqual(['received', 'triaged', 'assigned', 'resolved', 'survey_answered', 'closed', 'kb_draft']);
    expect(closed.timeline.find((t: { type: string }) => t.type === 'resolved')).toMatchObject({ actor: 'dev-supervisor', role: 'supervisor' });
    expect(closed.survey).toEqual({ status: 'answered', score: 5 });
    // Human actions are in the audit log: the supervisor's resolve and the customer's answer.
    const audit = (await stack.app.inject({ method: 'GET', url: `/v1/audit/log?complaintId=${id}`, headers: auth('auditor') })).json();
    expect(audit.items.map((a: { action: string }) => a.action)).toEqual(['survey_answered', 'resolved']);
    expect(closed.resolution).toBe('Reshipped with express delivery.');

    // The workflow itself: alive through the reopen window (a reopen is an update on this run), with its
    // full history, and findable by its search attributes.
    const handle = stack.client.workflow.getHandle(workflowId);
    expect(await handle.query(statusQuery)).toMatchObject({ id, status: 'closed' });
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const history = await handle.fetchHistory();
    expect(history.events?.length).toBeGreaterThan(10);
    const found = await eventually(async () => {
      for await (const wf of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}' AND ComplaintStatus = 'closed' AND ComplaintCategory = 'delivery'` })) return wf;
      return undefined;
    });
    expect(found.workflowId).toBe(workflowId);
  });
});
