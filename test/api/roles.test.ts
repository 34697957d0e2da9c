import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintEvents } from '../../src/db/schema';
import { ROLES } from '../../src/shared/constants';
import { listMessages } from '../../src/db/queries/notifications';
import { auth, eventually, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
let id: string;

beforeAll(async () => {
  stack = await startTestStack('roles');
  id = (await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: 'Rude staff at the counter' } })).json().id;
  await eventually(async () => ((await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: auth('supervisor') })).json().status === 'assigned' ? true : undefined));
});

afterAll(async () => {
  await stack?.stop();
});

/** API.md's table: who may call each action. Everyone else gets 403 before anything happens. */
const ALLOWED: Record<string, { roles: string[]; body: object }> = {
  assign: { roles: ['supervisor'], body: { handlerId: 'h-bob', reason: 'r' } },
  escalate: { roles: ['supervisor', 'agent'], body: { reason: 'r' } },
  transfer: { roles: ['supervisor', 'agent'], body: { department: 'billing', reason: 'r' } },
  priority: { roles: ['supervisor'], body: { priority: 'P1', reason: 'r' } },
  category: { roles: ['supervisor'], body: { category: 'billing', reason: 'r' } },
  notes: { roles: ['agent', 'supervisor'], body: { text: 't' } },
  responses: { roles: ['agent'], body: { text: 't' } },
  'await-customer': { roles: ['agent'], body: { question: 'q' } },
  'customer-replies': { roles: ['integrator'], body: { text: 't' } },
  resolve: { roles: ['agent', 'supervisor'], body: { resolution: 'r' } },
  reopen: { roles: ['supervisor', 'integrator'], body: { reason: 'r' } },
  withdraw: { roles: ['integrator'], body: { reason: 'r' } },
};

describe('every action route × role', () => {
  for (const [action, { roles, body }] of Object.entries(ALLOWED)) {
    for (const role of ROLES.filter((r) => !roles.includes(r))) {
      it(`${role} may not ${action}: 403`, async () => {
        const r = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/${action}`, headers: auth(role), payload: body });
        expect(r.statusCode).toBe(403);
        expect(r.json().error.code).toBe('FORBIDDEN');
      });
    }
  }

  it('the audit log is for auditors only', async () => {
    for (const role of ROLES) {
      const r = await stack.app.inject({ method: 'GET', url: '/v1/audit/log', headers: auth(role) });
      expect(r.statusCode).toBe(role === 'auditor' ? 200 : 403);
    }
  });
});

describe('illegal transitions: 409 naming the status, nothing changed', () => {
  it('refuses actions the current status forbids', async () => {
    const before = (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: auth('supervisor') })).json();
    const tries = [
      ['reopen', 'supervisor', { reason: 'r' }],
      ['customer-replies', 'integrator', { text: 'hello' }],
    ] as const;
    // reopen needs resolved/closed; a customer reply is fine while open, so it is the control that succeeds.
    const reopen = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/${tries[0][0]}`, headers: auth(tries[0][1]), payload: tries[0][2] });
    expect(reopen.statusCode).toBe(409);
    expect(reopen.json().error.message).toBe(`cannot reopen a complaint that is ${before.status}`);
    const after = (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: auth('supervisor') })).json();
    expect(after.status).toBe(before.status);
    expect(after.timeline).toHaveLength(before.timeline.length);

    const withdrawn = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/withdraw`, headers: auth('integrator'), payload: { reason: 'solved it myself' } });
    expect(withdrawn.json()).toEqual({ id, status: 'withdrawn' });
    for (const [action, role, body] of [
      ['resolve', 'supervisor', { resolution: 'x' }],
      ['notes', 'supervisor', { text: 'x' }],
      ['escalate', 'supervisor', { reason: 'x' }],
      ['withdraw', 'integrator', { reason: 'x' }],
    ] as const) {
      const r = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/${action}`, headers: auth(role), payload: body });
      expect(r.statusCode, action).toBe(409);
    }
  });
});

describe('allowed roles get through (200, or 409 when the status forbids the action)', () => {
  // A complaint assigned to the dev agent (h-alice), so "agent: own" actions apply.
  async function aliceComplaint(): Promise<string> {
    const cid = (await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: 'The staff were rude to me' } })).json().id;
    await eventually(async () => ((await stack.app.inject({ method: 'GET', url: `/v1/complaints/${cid}`, headers: auth('supervisor') })).json().status === 'assigned' ? true : undefined));
    const r = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${cid}/assign`, headers: auth('supervisor'), payload: { handlerId: 'h-alice', reason: 'test' } });
    expect(r.statusCode).toBe(200);
    return cid;
  }

  for (const [action, { roles, body }] of Object.entries(ALLOWED)) {
    for (const role of roles) {
      it(`${role} may ${action}`, async () => {
        const cid = await aliceComplaint();
        const r = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${cid}/${action}`, headers: auth(role), payload: action === 'assign' ? { handlerId: 'h-alice', reason: 'again' } : body });
        expect([200, 409], `${r.statusCode} ${r.body}`).toContain(r.statusCode);
        if (r.statusCode === 409) expect(r.json().error.code).toBe('INVALID_STATE');
      });
    }
  }
});

describe('reopening a closed complaint within its window is an update on the same run', () => {
  it('close via survey, reopen within 30 days: same id, same workflow run, back in progress', async () => {
    const cid = (await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: 'Staff ignored me', customer: { email: 'c@example.com' } } })).json().id;
    await eventually(async () => ((await stack.app.inject({ method: 'GET', url: `/v1/complaints/${cid}`, headers: auth('supervisor') })).json().status === 'assigned' ? true : undefined));
    await stack.app.inject({ method: 'POST', url: `/v1/complaints/${cid}/resolve`, headers: auth('supervisor'), payload: { resolution: 'Apologised' } });
    const link = await eventually(async () => (await listMessages(stack.database.db, cid)).find((m) => m.template === 'survey_invitation')?.body.match(/\/v1\/surveys\/(\S+)/)?.[1]);
    await stack.app.inject({ method: 'POST', url: `/v1/surveys/${link}`, payload: { score: 3 } });
    await eventually(async () => ((await stack.app.inject({ method: 'GET', url: `/v1/complaints/${cid}`, headers: auth('supervisor') })).json().status === 'closed' ? true : undefined));
    const firstRun = (await stack.client.workflow.getHandle(`complaint-${cid}`).describe()).runId;

    const r = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${cid}/reopen`, headers: auth('integrator'), payload: { reason: 'It happened again' } });
    expect(r.json()).toEqual({ id: cid, status: 'in_progress' });
    const reopened = await eventually(async () => {
      const c = (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${cid}`, headers: auth('supervisor') })).json();
      return c.status === 'in_progress' ? c : undefined;
    });
    const types = reopened.timeline.map((t: { type: string }) => t.type);
    expect(types.indexOf('reopened')).toBeGreaterThan(types.indexOf('closed'));
    const d = await stack.client.workflow.getHandle(`complaint-${cid}`).describe();
    expect(d.runId).toBe(firstRun);
    expect(d.status.name).toBe('RUNNING');
    // It is worked like any open complaint: resolvable again.
    const again = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${cid}/resolve`, headers: auth('supervisor'), payload: { resolution: 'Fixed for good' } });
    expect(again.json()).toEqual({ id: cid, status: 'resolved' });
  });

  it('a complaint closed before the core (its run ended at close) is still reopened by a new, linked run', async () => {
    const cid = (await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: 'Staff ignored me again', customer: { email: 'c@example.com' } } })).json().id;
    const get = async () => (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${cid}`, headers: auth('supervisor') })).json();
    await eventually(async () => ((await get()).status === 'assigned' ? true : undefined));
    await stack.app.inject({ method: 'POST', url: `/v1/complaints/${cid}/resolve`, headers: auth('supervisor'), payload: { resolution: 'Apologised' } });
    const link = await eventually(async () => (await listMessages(stack.database.db, cid)).find((m) => m.template === 'survey_invitation')?.body.match(/\/v1\/surveys\/(\S+)/)?.[1]);
    await stack.app.inject({ method: 'POST', url: `/v1/surveys/${link}`, payload: { score: 3 } });
    await eventually(async () => ((await get()).status === 'closed' ? true : undefined));
    // What a complaint closed under the legacy workflow looks like: its run has ended, and its closed event
    // names no reopen window (the erasure's sanctioned write to the append-only timeline strips it here).
    const handle = stack.client.workflow.getHandle(`complaint-${cid}`);
    await handle.terminate('closed under the legacy workflow');
    const firstRun = (await handle.describe()).runId;
    await stack.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local app.erasure = 'on'`);
      await tx.update(complaintEvents).set({ data: sql`${complaintEvents.data} - 'reopenableUntil'` }).where(and(eq(complaintEvents.complaintId, cid), eq(complaintEvents.type, 'closed')));
    });

    const r = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${cid}/reopen`, headers: auth('integrator'), payload: { reason: 'It happened again' } });
    expect(r.statusCode, r.body).toBe(200);
    const reopened = await eventually(async () => {
      const c = await get();
      return c.status === 'in_progress' ? c : undefined;
    });
    const types = reopened.timeline.map((t: { type: string }) => t.type);
    expect(types.filter((t: string) => t === 'reopened')).toHaveLength(1);
    expect(types.indexOf('reopened')).toBeGreaterThan(types.indexOf('closed'));
    const d = await stack.client.workflow.getHandle(`complaint-${cid}`).describe();
    expect(d.runId).not.toBe(firstRun);
    expect(d.status.name).toBe('RUNNING');
  });
});

describe('audit exports', () => {
  it('streams the audit log as CSV, and the complaint history readable and raw', async () => {
    const csv = await stack.app.inject({ method: 'GET', url: '/v1/audit/log?format=csv&action=reassigned', headers: auth('auditor') });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,role,action,complaintId,data,hash');
    expect(lines.length).toBeGreaterThan(1);
    const history = (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}/history`, headers: auth('auditor') })).json();
    expect(history.runs[0].events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['workflow_started', 'activity_completed', 'update_accepted']));
    // Triage runs as a local activity (a marker in history): it reads as the activity it is, with its decision.
    const triage = history.runs[0].events.find((e: { type: string; name?: string }) => e.type === 'activity_completed' && e.name === 'triageComplaint');
    expect(triage.data).toMatchObject({ category: expect.any(String), priority: expect.stringMatching(/^P[1-4]$/), department: expect.any(String) });
    const accepted = history.runs[0].events.find((e: { type: string; name?: string }) => e.type === 'update_accepted' && e.name === 'withdraw');
    expect(accepted.data).toMatchObject({ actor: { subject: 'dev-integrator', role: 'integrator' } });
    const raw = await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}/history?format=raw`, headers: auth('auditor') });
    expect(JSON.parse(raw.body).events[0].eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
    expect((await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}/history`, headers: auth('supervisor') })).statusCode).toBe(403);
    const replay = await stack.app.inject({ method: 'POST', url: '/v1/audit/replay', headers: auth('auditor'), payload: { ids: [id] } });
    expect(replay.json()).toEqual({ replayed: 1, failures: [] });
    expect((await stack.app.inject({ method: 'POST', url: '/v1/audit/replay', headers: auth('auditor'), payload: {} })).statusCode).toBe(400);
  });
});

describe('erasure requests', () => {
  it('only admins erase; the complaint then shows no personal data', async () => {
    const cid = (await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: 'I am Li Lei', customer: { id: 'erase-me', name: 'Li Lei', email: 'li@example.com' } } })).json().id;
    await eventually(async () => ((await stack.app.inject({ method: 'GET', url: `/v1/complaints/${cid}`, headers: auth('supervisor') })).json().status === 'assigned' ? true : undefined));
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      expect((await stack.app.inject({ method: 'POST', url: '/v1/customers/erase-me/erasure', headers: auth(role), payload: { reason: 'r' } })).statusCode).toBe(403);
    }
    const r = await stack.app.inject({ method: 'POST', url: '/v1/customers/erase-me/erasure', headers: auth('admin'), payload: { reason: 'data subject request' } });
    expect(r.json()).toEqual({ customerId: 'erase-me', complaints: 1 });
    const c = (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${cid}`, headers: auth('supervisor') })).json();
    expect(c.customer).toMatchObject({ name: null, email: null });
    expect(c.body).toBe('[redacted]');
  });
});
