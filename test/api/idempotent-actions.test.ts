import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimActionKey } from '../../src/db/queries/action-keys';
import { listMessages } from '../../src/db/queries/notifications';
import { complaintWorkflowId } from '../../src/shared/constants';
import { withdrawUpdate } from '../../workflows/complaint.messages';
import { auth, eventually, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('idempotent-actions');
});

afterAll(async () => {
  await stack?.stop();
});

const post = (id: string, path: string, role: string, payload: object, key?: string) =>
  stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/${path}`, headers: { ...auth(role), ...(key ? { 'idempotency-key': key } : {}) }, payload });
const view = async (id: string) => (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: auth('supervisor') })).json();
const events = async (id: string, type: string) => ((await view(id)).timeline as Array<{ type: string }>).filter((e) => e.type === type).length;
const until = (id: string, status: string) => eventually(async () => ((await view(id)).status === status ? true : undefined));
const ended = (id: string) => stack.client.workflow.getHandle(complaintWorkflowId(id)).result() as Promise<{ status: string }>;

async function assigned(): Promise<string> {
  const id = (await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: 'The staff were rude to me', customer: { email: 'c@example.com' } } })).json().id;
  await until(id, 'assigned');
  return id;
}

describe('an action whose answer was lost', () => {
  it('is answered with its first outcome when retried with its key after the workflow has ended', async () => {
    const id = await assigned();
    // What the API does for `withdraw` with key k1, up to the moment its answer is lost: it claims the
    // key, and Temporal accepts and runs the update `withdraw:k1`. The caller never hears back.
    await claimActionKey(stack.database.db, { complaintId: id, key: 'k1', action: 'withdraw', actor: 'dev-integrator', fingerprint: fingerprintOf({ reason: 'customer asked' }) });
    await stack.client.workflow.getHandle(complaintWorkflowId(id)).executeUpdate(withdrawUpdate, { args: [{ reason: 'customer asked', actor: { subject: 'dev-integrator', role: 'integrator' } }], updateId: 'withdraw:k1' });
    expect((await ended(id)).status).toBe('withdrawn');

    // The caller retries, as every HTTP client does.
    const retry = await post(id, 'withdraw', 'integrator', { reason: 'customer asked' }, 'k1');
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toEqual({ id, status: 'withdrawn' });
    expect(await events(id, 'withdrawn')).toBe(1);
  });

  it('without a key, a finished complaint is refused with the status it really ended in', async () => {
    const id = await assigned();
    expect((await post(id, 'withdraw', 'integrator', { reason: 'first' })).statusCode).toBe(200);
    expect((await ended(id)).status).toBe('withdrawn');
    const again = await post(id, 'withdraw', 'integrator', { reason: 'again' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('INVALID_STATE');
    expect(again.json().error.message).toBe('The complaint is withdrawn.');
    expect(again.json().error.details[0].status).toBe('withdrawn');
  });
});

describe('Idempotency-Key on actions', () => {
  it('a retried action on a running complaint returns the first outcome and runs once, concurrent retries too', async () => {
    const id = await assigned();
    const [a, b] = await Promise.all([post(id, 'notes', 'supervisor', { text: 'call back' }, 'n1'), post(id, 'notes', 'supervisor', { text: 'call back' }, 'n1')]);
    const c = await post(id, 'notes', 'supervisor', { text: 'call back' }, 'n1');
    for (const r of [a, b, c]) expect(r.statusCode, r.body).toBe(200);
    expect(b.json()).toEqual(a.json());
    expect(c.json()).toEqual(a.json());
    expect(await events(id, 'note')).toBe(1);
    // Without a key the same note twice is two notes, as before.
    await post(id, 'notes', 'supervisor', { text: 'call back' });
    await post(id, 'notes', 'supervisor', { text: 'call back' });
    expect(await events(id, 'note')).toBe(3);
  });

  it('a resolve retried after the complaint closed returns "resolved", its own outcome, not a 409', async () => {
    const id = await assigned();
    const first = await post(id, 'resolve', 'supervisor', { resolution: 'Apologised and refunded' }, 'r1');
    expect(first.json()).toEqual({ id, status: 'resolved' });
    const link = await eventually(async () => (await listMessages(stack.database.db, id)).find((m) => m.template === 'survey_invitation')?.body.match(/\/v1\/surveys\/(\S+)/)?.[1]);
    await stack.app.inject({ method: 'POST', url: `/v1/surveys/${link}`, payload: { score: 5 } });
    await until(id, 'closed');
    const retry = await post(id, 'resolve', 'supervisor', { resolution: 'Apologised and refunded' }, 'r1');
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toEqual({ id, status: 'resolved' });
    expect(await events(id, 'resolved')).toBe(1);
  });

  it("an agent's retried transfer gets its outcome though the complaint is no longer the agent's", async () => {
    const id = await assigned();
    await post(id, 'assign', 'supervisor', { handlerId: 'h-alice', reason: 'setup' });
    const body = { department: 'billing', reason: 'a billing matter' };
    const first = await post(id, 'transfer', 'agent', body, 't1');
    expect(first.statusCode, first.body).toBe(200);
    const retry = await post(id, 'transfer', 'agent', body, 't1');
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toEqual(first.json());
    // A new action (another key) is judged as ever: the complaint is in billing now, out of the agent's reach.
    expect((await post(id, 'transfer', 'agent', body, 't2')).statusCode).toBe(404);
  });

  it('a reopen of a closed complaint, retried with its key, reopens once', async () => {
    const id = await assigned();
    await post(id, 'resolve', 'supervisor', { resolution: 'done' });
    const link = await eventually(async () => (await listMessages(stack.database.db, id)).find((m) => m.template === 'survey_invitation')?.body.match(/\/v1\/surveys\/(\S+)/)?.[1]);
    await stack.app.inject({ method: 'POST', url: `/v1/surveys/${link}`, payload: { score: 5 } });
    await until(id, 'closed');
    const first = await post(id, 'reopen', 'supervisor', { reason: 'not fixed' }, 'o1');
    expect(first.statusCode, first.body).toBe(200);
    await eventually(async () => ((await events(id, 'reopened')) === 1 ? true : undefined));
    const retry = await post(id, 'reopen', 'supervisor', { reason: 'not fixed' }, 'o1');
    expect(retry.statusCode, retry.body).toBe(200);
    expect(retry.json()).toEqual(first.json());
    expect(await events(id, 'reopened')).toBe(1);
  });

  it('the same key with another body, action or caller is 422 IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
    const id = await assigned();
    expect((await post(id, 'notes', 'supervisor', { text: 'first' }, 'x1')).statusCode).toBe(200);
    const otherBody = await post(id, 'notes', 'supervisor', { text: 'second' }, 'x1');
    expect(otherBody.statusCode).toBe(422);
    expect(otherBody.json().error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherAction = await post(id, 'escalate', 'supervisor', { reason: 'urgent' }, 'x1');
    expect(otherAction.statusCode).toBe(422);
    expect(otherAction.json().error.message).toMatch(/notes/);
    await post(id, 'assign', 'supervisor', { handlerId: 'h-alice', reason: 'setup' });
    expect((await post(id, 'notes', 'agent', { text: 'first' }, 'x1')).statusCode).toBe(422);
    // Key order in the body is not "another body".
    expect((await post(id, 'assign', 'supervisor', { handlerId: 'h-bob', reason: 'cover' }, 'x2')).statusCode).toBe(200);
    expect((await post(id, 'assign', 'supervisor', { reason: 'cover', handlerId: 'h-bob' }, 'x2')).statusCode).toBe(200);
    expect(await events(id, 'note')).toBe(1);
    expect((await view(id)).sla.escalationLevel).toBe(0);
  });

  it('a malformed key is refused with 400 before anything runs', async () => {
    const id = await assigned();
    for (const key of ['with space', 'x'.repeat(256), 'ключ']) {
      const r = await post(id, 'notes', 'supervisor', { text: 'n' }, key);
      expect(r.statusCode, key).toBe(400);
      expect(r.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect(await events(id, 'note')).toBe(0);
  });
});

/** The API's fingerprint of a body, computed independently here: sha256 of its JSON with keys sorted. */
function fingerprintOf(body: Record<string, string>): string {
  const sorted = Object.fromEntries(Object.keys(body).sort().map((k) => [k, body[k]]));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}
