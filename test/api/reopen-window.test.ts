import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMessages } from '../../src/db/queries/notifications';
import { complaintWorkflowId } from '../../src/shared/constants';
import { auth, eventually, startTestStack, type TestStack } from '../helpers/stack';

// Issue 21: a closed complaint's run stays alive through its reopen window (REOPEN_WINDOW_DAYS, here
// a few seconds) and then ends; a reopen after that is refused, never restarted from the read model.

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('reopen-window', { reopenWindowMs: 3000 });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const view = async (id: string) => (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: auth('supervisor') })).json();

describe('the reopen window', () => {
  it('after it the run has ended and POST /reopen is 409 INVALID_STATE naming the window', async () => {
    const id = (await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: 'Staff ignored me', customer: { email: 'c@example.com' } } })).json().id;
    await eventually(async () => ((await view(id)).status === 'assigned' ? true : undefined));
    await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/resolve`, headers: auth('supervisor'), payload: { resolution: 'Apologised' } });
    const link = await eventually(async () => (await listMessages(stack.database.db, id)).find((m) => m.template === 'survey_invitation')?.body.match(/\/v1\/surveys\/(\S+)/)?.[1]);
    await stack.app.inject({ method: 'POST', url: `/v1/surveys/${link}`, payload: { score: 3 } });
    await eventually(async () => ((await view(id)).status === 'closed' ? true : undefined));
    const handle = stack.client.workflow.getHandle(complaintWorkflowId(id));
    const runId = (await handle.describe()).runId;
    expect(await handle.result()).toEqual({ id, status: 'closed' }); // the window's timer ends the run

    const r = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/reopen`, headers: auth('supervisor'), payload: { reason: 'It happened again' } });
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'INVALID_STATE', message: 'The reopen window has passed: submit a new complaint instead.', details: [{ message: 'reopen window passed', status: 'closed' }] });
    // Nothing was restarted: the same, completed run.
    const d = await handle.describe();
    expect([d.runId, d.status.name]).toEqual([runId, 'COMPLETED']);
    expect((await view(id)).status).toBe('closed');
  });
});
