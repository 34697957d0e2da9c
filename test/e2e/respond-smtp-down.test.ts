import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMessages } from '../../src/db/queries/notifications';
import { createMailer, type Mailer } from '../../src/notify/mailer';
import { startHungSmtp, startSmtp } from '../helpers/loopback';
import { auth, eventually, startTestStack, type TestStack } from '../helpers/stack';

// Issue #21 item 3: no staff update waits on SMTP. The mail host hangs (accepts, never greets; the
// client would wait 15 s) while an agent responds; then it comes back on the same port.
let hung: Awaited<ReturnType<typeof startHungSmtp>>;
let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;
let mailer: Mailer;
let stack: TestStack;

beforeAll(async () => {
  hung = await startHungSmtp();
  mailer = createMailer(hung.url, 'Complaint desk <complaints@example.com>');
  // A retry waits 200 ms instead of 30 s, so the test waits on conditions, not on the production backoff.
  stack = await startTestStack('respond-smtp-down', { senders: { email: mailer }, relay: { intervalMs: 200, retryDelay: () => 200 } });
});

afterAll(async () => {
  await hung?.close(); // drop held connections first: the relay's stop waits for its passes
  await stack?.stop();
  mailer?.close();
  await smtp?.close();
});

describe('a staff update while SMTP hangs', () => {
  it('answers without waiting for the mail host, and the customer gets the response once the host is back', async () => {
    const created = await stack.app.inject({
      method: 'POST',
      url: '/v1/complaints',
      headers: auth('integrator'),
      payload: { channel: 'web', body: 'Your support agent was rude and hung up on me twice.', customer: { language: 'en', email: 'waiting@example.com' } },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const assigned = await eventually(async () => {
      const c = (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: auth('supervisor') })).json();
      return c.status === 'assigned' ? c : undefined;
    });
    if (assigned.assignee !== 'h-alice') {
      const r = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/assign`, headers: auth('supervisor'), payload: { handlerId: 'h-alice', reason: 'the dev agent answers' } });
      expect(r.statusCode).toBe(200);
    }
    // The acknowledgement and the assignment notices are already stuck on the hung host.
    await eventually(async () => (hung.held() > 0 ? true : undefined));

    const text = 'We have spoken to the team; a supervisor will call you today.';
    const responded = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/responses`, headers: auth('agent'), payload: { text } });
    expect(responded.statusCode).toBe(200);
    expect(responded.json()).toEqual({ id, status: 'in_progress' });
    // The response was queued in the step, and no attempt at it has ended: the update answered while the
    // mail host still held every connection (an inline attempt returns only after its 15 s timeout).
    const queued = (await listMessages(stack.database.db, id)).find((m) => m.template === 'agent_response');
    expect(queued).toMatchObject({ channel: 'email', recipient: 'waiting@example.com', lastError: null });
    expect(['pending', 'sending']).toContain(queued!.status);
    expect(hung.held()).toBeGreaterThan(0);

    // The host restarts: its held connections drop and the mail service listens on the same port.
    await hung.close();
    smtp = await startSmtp({ port: hung.port });
    const emails = async () => (await listMessages(stack.database.db, id)).filter((m) => m.channel === 'email');
    await eventually(async () => ((await emails()).every((m) => m.status === 'sent') ? true : undefined));
    const responses = smtp.received.filter((m) => m.to.includes('waiting@example.com') && m.mail.subject === `Update on your complaint ${id}`);
    expect(responses).toHaveLength(1);
    expect(responses[0]!.mail.text).toContain(text);
    // Every queued email reached the host exactly once (the acknowledgement, the assignment, the response).
    expect(smtp.received.filter((m) => m.to.includes('waiting@example.com'))).toHaveLength((await emails()).filter((m) => m.recipient === 'waiting@example.com').length);
  });
});
