import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSignature } from '../../src/channels/inbound';
import { auth, eventually, startTestStack, TEST_PUBLIC_BASE_URL, type TestStack } from '../helpers/stack';

// Issue 20 item 16: complaints that arrive through a channel (SMS, voice, email, a webhook source)
// belong to the integrator configured for that source (CHANNEL_INTEGRATORS), whose token then sees
// them as its own; a source with no integrator stays with the staff.

const AUTH_TOKEN = 'test-twilio-auth-token-0123456789';
const SECRETS = { wechat: 'wechat-secret-0123456789', weibo: 'weibo-secret-0123456789ab' };

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('channel-tenants', {
    channels: { publicBaseUrl: TEST_PUBLIC_BASE_URL, twilioAuthToken: AUTH_TOKEN, webhookSecrets: SECRETS, integrators: { sms: 'dev-integrator', voice: 'dev-integrator', wechat: 'dev-integrator', email: 'dev-integrator' } },
  });
});

afterAll(async () => {
  await stack?.stop();
});

function twilioPost(url: string, form: Record<string, string>) {
  const sig = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${TEST_PUBLIC_BASE_URL}${url}`, form);
  return stack.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, payload: new URLSearchParams(form).toString() });
}

function webhook(source: keyof typeof SECRETS, payload: object) {
  const body = JSON.stringify(payload);
  return stack.app.inject({ method: 'POST', url: `/v1/channels/webhook/${source}`, headers: { 'content-type': 'application/json', 'x-signature': hmacSignature(SECRETS[source], body) }, payload: body });
}

/** The ids a role's token lists for a channel. */
const listed = async (channel: string, role = 'integrator'): Promise<string[]> =>
  (await stack.app.inject({ method: 'GET', url: `/v1/complaints?channel=${channel}`, headers: auth(role) })).json().items.map((c: { id: string }) => c.id);

describe('channel complaints belong to their source’s integrator', () => {
  it('SMS, voice, email and a configured webhook source: the integrator lists them and reads each one', async () => {
    expect((await twilioPost('/v1/channels/sms', { From: '+15557700001', MessageSid: 'SMtenant1', Body: 'My parcel never arrived and nobody answers.' })).statusCode).toBe(200);
    expect((await twilioPost('/v1/channels/voice/speech', { From: '+15557700002', CallSid: 'CAtenant1', SpeechResult: 'I was charged twice for my phone bill.' })).statusCode).toBe(200);
    const mail = await stack.app.inject({ method: 'POST', url: '/v1/channels/email', headers: auth('admin'), payload: { from: { address: 'anna@example.com' }, subject: 'Refund', text: 'Please refund the second charge.' } });
    expect(mail.statusCode).toBe(201);
    const wechat = await webhook('wechat', { messageId: 'wx-tenant-1', text: '快递一周都没到，客服也不回复。' });
    expect(wechat.statusCode).toBe(201);
    for (const channel of ['sms', 'voice', 'email', 'wechat']) {
      const ids = await eventually(async () => ((await listed(channel)).length === 1 ? listed(channel) : undefined));
      const one = await stack.app.inject({ method: 'GET', url: `/v1/complaints/${ids[0]}`, headers: auth('integrator') });
      expect(one.statusCode, channel).toBe(200);
      expect(one.json().channel).toBe(channel);
    }
    // And it may act on them as on its own: a customer reply through the API.
    const reply = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${wechat.json().id}/customer-replies`, headers: auth('integrator'), payload: { text: 'Any news?' } });
    expect(reply.statusCode).toBe(200);
  });

  it('a source with no integrator configured stays with the staff', async () => {
    const weibo = await webhook('weibo', { messageId: 'wb-tenant-1', text: 'The product broke after one day.' });
    expect(weibo.statusCode).toBe(201);
    expect((await stack.app.inject({ method: 'GET', url: `/v1/complaints/${weibo.json().id}`, headers: auth('integrator') })).statusCode).toBe(404);
    expect((await stack.app.inject({ method: 'GET', url: `/v1/complaints/${weibo.json().id}`, headers: auth('supervisor') })).statusCode).toBe(200);
  });
});
