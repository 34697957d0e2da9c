import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSignature } from '../../src/channels/inbound';
import { complaints } from '../../src/db/schema';
import { auth, startTestStack, TEST_PUBLIC_BASE_URL, type TestStack } from '../helpers/stack';

// Issue 20 item 2a: text that could never be processed is refused before the 201, on every channel,
// with API.md's error shape; nothing of it is started or stored.

const AUTH_TOKEN = 'test-twilio-auth-token-0123456789';
const SECRETS = { wechat: 'wechat-secret-0123456789' };

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack('intake-text', { channels: { publicBaseUrl: TEST_PUBLIC_BASE_URL, twilioAuthToken: AUTH_TOKEN, webhookSecrets: SECRETS } });
});

afterAll(async () => {
  await stack?.stop();
});

const refused = (res: { statusCode: number; json(): unknown }, path: string) => {
  expect(res.statusCode).toBe(400);
  expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.any(String), details: expect.arrayContaining([expect.objectContaining({ path, message: expect.any(String) })]) } });
};

const post = (payload: unknown) => stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: { ...auth('integrator'), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

function twilioPost(url: string, form: Record<string, string>) {
  const sig = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${TEST_PUBLIC_BASE_URL}${url}`, form);
  return stack.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, payload: new URLSearchParams(form).toString() });
}

describe('intake refuses text that can never be processed', () => {
  it('POST /v1/complaints: lone surrogates anywhere, invisible-only bodies', async () => {
    const base = { channel: 'web', body: 'I was charged twice for order 1182.' };
    refused(await post({ ...base, body: 'refund \ud800 please' }), 'body.body');
    refused(await post({ ...base, subject: 'bad \udfff' }), 'body.subject');
    refused(await post({ ...base, customer: { name: 'Ann \ud800' } }), 'body.customer.name');
    refused(await post({ ...base, externalRef: 'r-\udc00' }), 'body.externalRef');
    refused(await post({ ...base, metadata: { note: 'x\ud800' } }), 'body.metadata.note');
    refused(await post({ ...base, metadata: { ['k\ud800']: 'v' } }), 'body.metadata');
    refused(await post({ ...base, body: '\u200b\u3000' }), 'body.body');
    refused(await post({ ...base, body: '\ufeff\u2060 \u200d' }), 'body.body');
    expect(await stack.database.db.select().from(complaints)).toHaveLength(0);
  });

  it('accepts paired surrogates, Chinese without spaces and a 20,000-character word', async () => {
    for (const body of ['refund \ud83d\ude00 please', '快递一周都没到'.repeat(50), 'x'.repeat(20_000)]) {
      expect((await post({ channel: 'web', body })).statusCode).toBe(201);
    }
  });

  it('the email channel (JSON and raw MIME)', async () => {
    const mail = { from: { address: 'anna@example.com' }, subject: 'Refund', text: 'charged \ud800 twice' };
    refused(await stack.app.inject({ method: 'POST', url: '/v1/channels/email', headers: { ...auth('integrator'), 'content-type': 'application/json' }, payload: JSON.stringify(mail) }), 'body.body');
    const blank = await stack.app.inject({ method: 'POST', url: '/v1/channels/email', headers: auth('integrator'), payload: { ...mail, subject: undefined, text: '\u200b\u3000' } });
    refused(blank, 'body.body');
    const raw = ['From: anna@example.com', 'To: complaints@example.com', 'Subject: =?utf-8?B?4oCL?=', 'Content-Type: text/plain; charset=utf-8', '', '\u200b\u3000', ''].join('\r\n');
    refused(await stack.app.inject({ method: 'POST', url: '/v1/channels/email', headers: { ...auth('integrator'), 'content-type': 'message/rfc822' }, payload: Buffer.from(raw, 'utf8') }), 'body.body');
  });

  it('signed webhooks, SMS and voice', async () => {
    const body = JSON.stringify({ messageId: 'w-1', text: '\u200b\u3000' });
    refused(await stack.app.inject({ method: 'POST', url: '/v1/channels/webhook/wechat', headers: { 'content-type': 'application/json', 'x-signature': hmacSignature(SECRETS.wechat, body) }, payload: body }), 'body.body');
    const surrogate = JSON.stringify({ messageId: 'w-2', text: 'bad \ud800', customer: { name: 'x' } });
    refused(await stack.app.inject({ method: 'POST', url: '/v1/channels/webhook/wechat', headers: { 'content-type': 'application/json', 'x-signature': hmacSignature(SECRETS.wechat, surrogate) }, payload: surrogate }), 'body.body');
    refused(await twilioPost('/v1/channels/sms', { From: '+15551230001', MessageSid: 'SM1', Body: '\u200b\u3000' }), 'body.body');
    refused(await twilioPost('/v1/channels/voice/speech', { From: '+15551230002', CallSid: 'CA1', SpeechResult: '\u200b\u3000' }), 'body.body');
    expect((await stack.database.db.select().from(complaints)).filter((c) => c.channel !== 'web')).toHaveLength(0);
  });
});
