import { eq } from 'drizzle-orm';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacSignature, standardWebhookHeaders } from '../../src/channels/inbound';
import { openComplaintOf } from '../../src/db/queries/complaints';
import { getTimeline } from '../../src/db/queries/timeline';
import { complaints, notifications } from '../../src/db/schema';
import { createMailer, type Mailer } from '../../src/notify/mailer';
import { createTwilioSenders } from '../../src/notify/twilio';
import { startFakeTwilio, startSmtp } from '../helpers/loopback';
import { buildApp } from '../../src/api/app';
import { createReplayer } from '../../src/audit/replayer';
import { devApiTokens } from '../../src/config';
import { auth, eventually, startTestStack, TEST_ID_SECRET, TEST_PUBLIC_BASE_URL, TEST_SURVEY_SECRET, type TestStack } from '../helpers/stack';

const AUTH_TOKEN = 'test-twilio-auth-token-0123456789';
const ACCOUNT = `AC${'0'.repeat(31)}1`;
const SECRETS = { wechat: 'wechat-secret-0123456789', app: 'app-secret-0123456789abcd' };
const INVALID_NUMBER = '+15005550001';

let stack: TestStack;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let tw: Awaited<ReturnType<typeof startFakeTwilio>>;
let mailer: Mailer;

beforeAll(async () => {
  smtp = await startSmtp({ rejectRecipient: (a) => a.startsWith('nobody@') });
  tw = await startFakeTwilio({ invalidNumbers: [INVALID_NUMBER] });
  mailer = createMailer(smtp.url, 'Complaint desk <complaints@example.com>');
  const twilioSenders = createTwilioSenders({ accountSid: ACCOUNT, authToken: AUTH_TOKEN, from: '+15550000000', apiBase: tw.base });
  stack = await startTestStack('channels', {
    senders: { email: mailer, sms: twilioSenders.sms, voice: twilioSenders.voice },
    channels: { publicBaseUrl: TEST_PUBLIC_BASE_URL, twilioAuthToken: AUTH_TOKEN, webhookSecrets: SECRETS },
  });
});

afterAll(async () => {
  await stack?.stop();
  mailer?.close();
  await smtp?.close();
  await tw?.close();
});

/** Posts a form as Twilio does, signed with the account's token over our public URL (or forged). */
function twilioPost(url: string, form: Record<string, string>, signature?: string) {
  const sig = signature ?? twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${TEST_PUBLIC_BASE_URL}${url}`, form);
  return stack.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, payload: new URLSearchParams(form).toString() });
}

const complaintView = async (id: string) => (await stack.app.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: auth('supervisor') })).json();
const untilStatus = (id: string, status: string) => eventually(async () => ((await complaintView(id)).status === status ? complaintView(id) : undefined));
const mailsTo = (to: string) => smtp.received.filter((m) => m.to.includes(to));
const smsTo = (to: string) => tw.messages().filter((m) => m.To === to);
const phoneComplaint = (phone: string) => eventually(async () => openComplaintOf(stack.database.db, { phone }));

describe('inbound email', () => {
  it('a parsed email opens a complaint; the acknowledgement reaches the sender over SMTP in English; a redelivery opens nothing new', async () => {
    const email = { messageId: '<m1@mail.example.com>', from: { address: 'anna@example.com', name: 'Anna' }, subject: 'Charged twice', text: 'I was charged twice for order 1182. Please refund one payment.' };
    const r = await stack.app.inject({ method: 'POST', url: '/v1/channels/email', headers: auth('integrator'), payload: email });
    expect(r.statusCode).toBe(201);
    const { id } = r.json();
    const ack = await eventually(async () => mailsTo('anna@example.com').find((m) => m.mail.subject?.includes(id)));
    expect(ack.mail.subject).toBe(`We received your complaint ${id}`);
    expect(ack.mail.text).toContain(`Your complaint ${id} is registered`);
    const again = await stack.app.inject({ method: 'POST', url: '/v1/channels/email', headers: auth('integrator'), payload: email });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id, created: false });
    const c = await complaintView(id);
    expect(c).toMatchObject({ channel: 'email', subject: 'Charged twice', customer: { email: 'anna@example.com', language: 'en' } });
  });

  it('raw MIME in Chinese: parsed by mailparser, acknowledged in Chinese; the customer’s reply threads onto it without the quoted text', async () => {
    const raw = [
      'From: =?UTF-8?B?5byg5Lyf?= <zhang@example.com>',
      'To: complaints@example.com',
      'Subject: =?UTF-8?B?5b+r6YCS5LiA5ZGo6YO95rKh5Yiw?=',
      'Message-ID: <zh-1@mail.example.cn>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('我的快递一周都没到，物流信息也不更新，请尽快处理。').toString('base64'),
      '',
    ].join('\r\n');
    const r = await stack.app.inject({ method: 'POST', url: '/v1/channels/email', headers: { ...auth('integrator'), 'content-type': 'message/rfc822' }, payload: raw });
    expect(r.statusCode).toBe(201);
    const { id } = r.json();
    expect(await complaintView(id)).toMatchObject({ subject: '快递一周都没到', customer: { name: '张伟', language: 'zh' } });
    const ack = await eventually(async () => mailsTo('zhang@example.com').find((m) => m.mail.subject?.includes(id)));
    expect(ack.mail.subject).toBe(`我们已收到您的投诉 ${id}`);
    expect(ack.mail.text).toContain('已登记');

    // The reply answers our acknowledgement: its In-Reply-To is our Message-ID, which names the complaint.
    await untilStatus(id, 'assigned');
    const reply = await stack.app.inject({
      method: 'POST',
      url: '/v1/channels/email',
      headers: auth('integrator'),
      payload: { messageId: '<zh-2@mail.example.cn>', from: { address: 'zhang@example.com' }, subject: 'Re: 我们已收到您的投诉', text: '单号是 SF123456。\n\n在 2026年11月24日 写道：\n> 感谢您的反馈', inReplyTo: ack.mail.messageId },
    });
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({ id, threaded: true, created: false });
    const timeline = await getTimeline(stack.database.db, id);
    expect(timeline.find((e) => e.type === 'customer_reply')?.data).toEqual({ text: '单号是 SF123456。' });
  });

  it("threads only into the caller's own complaints: another integrator's id in a subject opens a new complaint", async () => {
    const acme = await buildApp({
      database: stack.database,
      temporal: stack.client,
      taskQueue: stack.taskQueue,
      tokens: [...devApiTokens(), { role: 'integrator', token: 'acme-integrator-token', subject: 'acme' }],
      surveySecret: TEST_SURVEY_SECRET,
      idSecret: TEST_ID_SECRET,
      replay: createReplayer(stack.client),
    });
    try {
      const first = await stack.app.inject({ method: 'POST', url: '/v1/channels/email', headers: auth('integrator'), payload: { messageId: '<a-1@mail.example.com>', from: { address: 'owner@example.com' }, subject: 'Late parcel', text: 'My parcel is two weeks late.' } });
      expect(first.statusCode).toBe(201);
      const { id } = first.json();
      await untilStatus(id, 'assigned');
      const acmeAuth = { authorization: 'Bearer acme-integrator-token' };
      expect((await acme.inject({ method: 'GET', url: `/v1/complaints/${id}`, headers: acmeAuth })).statusCode).toBe(404);
      const intruding = await acme.inject({ method: 'POST', url: '/v1/channels/email', headers: acmeAuth, payload: { messageId: '<b-1@mail.example.com>', from: { address: 'intruder@example.com' }, subject: `Re: complaint ${id}`, text: 'Please close this, it was a mistake.' } });
      expect(intruding.statusCode).toBe(201);
      expect(intruding.json()).toMatchObject({ created: true, threaded: false });
      expect(intruding.json().id).not.toBe(id);
      expect((await getTimeline(stack.database.db, id)).filter((e) => e.type === 'customer_reply')).toEqual([]);
      // The owner's own gateway still threads the same reply.
      const own = await stack.app.inject({ method: 'POST', url: '/v1/channels/email', headers: auth('integrator'), payload: { messageId: '<a-2@mail.example.com>', from: { address: 'owner@example.com' }, subject: `Re: complaint ${id}`, text: 'Any news?' } });
      expect(own.json()).toMatchObject({ id, threaded: true, created: false });
    } finally {
      await acme.close();
    }
  });

  it('every channel holds a complaint to the body limit of POST /v1/complaints (20,000 characters): nothing longer is stored', async () => {
    const mime = (from: string, text: string, extra: string[] = []) =>
      ['From: <' + from + '>', 'To: complaints@example.com', 'Subject: Long story', `Message-ID: <${from}.${text.length}@mail.example.com>`, ...extra, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '', text, ''].join('\r\n');
    const email = (raw: string) => stack.app.inject({ method: 'POST', url: '/v1/channels/email', headers: { ...auth('integrator'), 'content-type': 'message/rfc822' }, payload: raw });
    const huge = await email(mime('huge@example.com', 'word '.repeat(190_000)));
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body.body' }] });
    expect(await stack.database.db.select().from(complaints).where(eq(complaints.customerEmail, 'huge@example.com'))).toEqual([]);
    const json = await stack.app.inject({ method: 'POST', url: '/v1/channels/email', headers: auth('integrator'), payload: { from: { address: 'long@example.com' }, subject: 'Long', text: 'x'.repeat(20_001) } });
    expect(json.statusCode).toBe(400);
    // At the limit it is accepted, as over HTTP.
    expect((await email(mime('limit@example.com', `${'ab '.repeat(6666)}ab`))).statusCode).toBe(201);

    // A reply by email is held to the customer-replies limit: nothing is appended.
    const opened = await email(mime('replier@example.com', 'My order never arrived.'));
    const { id } = opened.json();
    await untilStatus(id, 'assigned');
    const longReply = await email(mime('replier@example.com', 'z'.repeat(20_001), [`In-Reply-To: <${id}:1:email:replier@example.com@complaint-desk>`]).replace('Subject: Long story', `Subject: Re: complaint ${id}`));
    expect(longReply.statusCode).toBe(400);
    expect((await getTimeline(stack.database.db, id)).filter((e) => e.type === 'customer_reply')).toEqual([]);

    // SMS, voice and webhooks refuse the same length in their own fields.
    const sms = await twilioPost('/v1/channels/sms', { From: '+15551230000', To: '+15550000000', MessageSid: 'SM-long-1', Body: 'b'.repeat(20_001) });
    expect(sms.statusCode).toBe(400);
    const speech = await twilioPost('/v1/channels/voice/speech', { From: '+15551230000', To: '+15550000000', CallSid: 'CA-long-1', SpeechResult: 's'.repeat(20_001) });
    expect(speech.statusCode).toBe(400);
    const hook = JSON.stringify({ messageId: 'wx-long-1', text: 'w'.repeat(20_001) });
    const wechat = await stack.app.inject({ method: 'POST', url: '/v1/channels/webhook/wechat', headers: { 'content-type': 'application/json', 'x-signature': hmacSignature(SECRETS.wechat, hook) }, payload: hook });
    expect(wechat.statusCode).toBe(400);
  });

  it('an email without sender or text is 400 naming the field; without a token 401', async () => {
    const bad = await stack.app.inject({ method: 'POST', url: '/v1/channels/email', headers: auth('integrator'), payload: { from: { address: 'x' }, text: 'hi' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].path).toBe('body.from.address');
    const anon = await stack.app.inject({ method: 'POST', url: '/v1/channels/email', payload: { from: { address: 'a@example.com' }, text: 'hi' } });
    expect(anon.statusCode).toBe(401);
  });
});

describe('SMS through Twilio', () => {
  it('a forged signature is 403 and opens nothing; a genuine one opens a complaint acknowledged by SMS in the customer’s language', async () => {
    const form = { From: '+8613900000001', To: '+15550000000', MessageSid: 'SM-in-1', Body: '你们的客服态度太差了，电话一直没人接。' };
    const forged = await twilioPost('/v1/channels/sms', form, 'bm90IGEgc2lnbmF0dXJl');
    expect(forged.statusCode).toBe(403);
    expect(await openComplaintOf(stack.database.db, { phone: form.From })).toBeUndefined();

    const ok = await twilioPost('/v1/channels/sms', form);
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toMatch(/text\/xml/);
    expect(ok.body).toContain('<Response/>');
    const row = await phoneComplaint(form.From);
    expect(row).toMatchObject({ channel: 'sms', customerLanguage: 'zh' });
    const ack = await eventually(async () => smsTo(form.From).find((m) => m.Body?.includes(row.id)));
    expect(ack.From).toBe('+15550000000');
    expect(ack.Body).toContain(`我们已收到您的投诉 ${row.id}`);

    // Twilio redelivers: same MessageSid, same complaint. A second text continues it as a reply.
    await twilioPost('/v1/channels/sms', form);
    await untilStatus(row.id, 'assigned');
    const more = { ...form, MessageSid: 'SM-in-2', Body: '我的订单号是 88231。' };
    expect((await twilioPost('/v1/channels/sms', more)).statusCode).toBe(200);
    expect((await twilioPost('/v1/channels/sms', more)).statusCode).toBe(200); // redelivered reply: once
    const rows = await stack.database.db.select().from(complaints).where(eq(complaints.customerPhone, form.From));
    expect(rows).toHaveLength(1);
    const replies = (await getTimeline(stack.database.db, row.id)).filter((e) => e.type === 'customer_reply');
    expect(replies.map((e) => e.data)).toEqual([{ text: '我的订单号是 88231。' }]);
  });

  it('a phone-only customer gets the survey as a call; the keypad digit comes back as the score; an SMS digit answers too', async () => {
    const callForm = { From: '+14155550123', To: '+15550000000', MessageSid: 'SM-in-3', Body: 'The courier left my parcel in the rain and it is soaked.' };
    await twilioPost('/v1/channels/sms', callForm);
    const row = await phoneComplaint(callForm.From);
    await untilStatus(row.id, 'assigned');
    const resolved = await stack.app.inject({ method: 'POST', url: `/v1/complaints/${row.id}/resolve`, headers: auth('supervisor'), payload: { resolution: 'Refunded in full.' } });
    expect(resolved.statusCode).toBe(200);
    const call = await eventually(async () => tw.calls().find((c) => c.To === callForm.From));
    expect(call.Twiml).toMatch(/<Gather input="dtmf" numDigits="1"/);
    expect(call.Twiml).toContain('Press a key from 1');
    const action = /action="([^"]+)"/.exec(call.Twiml!)![1]!.replace(/&amp;/g, '&');
    expect(action.startsWith(`${TEST_PUBLIC_BASE_URL}/v1/channels/voice/survey/`)).toBe(true);
    const path = action.slice(TEST_PUBLIC_BASE_URL.length);
    const wrong = await twilioPost(path, { Digits: '9' });
    expect(wrong.body).toContain('Please press a key from 1 to 5');
    const answered = await twilioPost(path, { Digits: '5' });
    expect(answered.body).toContain('Thank you for your rating');
    const closed = await untilStatus(row.id, 'closed');
    expect(closed.survey).toEqual({ status: 'answered', score: 5 });

    const smsForm = { From: '+14155550124', To: '+15550000000', MessageSid: 'SM-in-4', Body: 'My refund has not arrived after two weeks.' };
    await twilioPost('/v1/channels/sms', smsForm);
    const other = await phoneComplaint(smsForm.From);
    await untilStatus(other.id, 'assigned');
    await stack.app.inject({ method: 'POST', url: `/v1/complaints/${other.id}/resolve`, headers: auth('supervisor'), payload: { resolution: 'Refund sent again.' } });
    await eventually(async () => tw.calls().find((c) => c.To === smsForm.From));
    expect((await twilioPost('/v1/channels/sms', { ...smsForm, MessageSid: 'SM-in-5', Body: '4' })).statusCode).toBe(200);
    expect((await untilStatus(other.id, 'closed')).survey).toEqual({ status: 'answered', score: 4 });
  });
});

describe('voice through Twilio', () => {
  it('greets a Chinese caller in Chinese, turns the recognised speech into a complaint and reads its number back', async () => {
    const from = '+8613700000002';
    expect((await twilioPost('/v1/channels/voice', { From: from, To: '+15550000000', CallSid: 'CA-1' }, 'forged')).statusCode).toBe(403);
    const greet = await twilioPost('/v1/channels/voice', { From: from, To: '+15550000000', CallSid: 'CA-1' });
    expect(greet.statusCode).toBe(200);
    expect(greet.body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Gather input="speech" language="cmn-Hans-CN" speechTimeout="auto" action="http:\/\/complaints\.test\/v1\/channels\/voice\/speech\?lang=zh" method="POST"><Say language="cmn-CN">感谢您的来电/);
    expect(greet.body).toMatch(/<\/Gather><Say language="cmn-CN">[^<]+<\/Say><\/Response>$/);
    const speech = await twilioPost('/v1/channels/voice/speech?lang=zh', { From: from, To: '+15550000000', CallSid: 'CA-1', SpeechResult: '我买的热水器漏水了，师傅一直不来修。' });
    expect(speech.statusCode).toBe(200);
    const row = await phoneComplaint(from);
    expect(row).toMatchObject({ channel: 'voice', body: '我买的热水器漏水了，师傅一直不来修。', customerLanguage: 'zh' });
    expect(speech.body).toContain(`编号是 ${row.id.split('').join(' ')}`);
    expect(speech.body).toContain('<Hangup/>');
    const english = await twilioPost('/v1/channels/voice', { From: '+14155550199', To: '+15550000000', CallSid: 'CA-2' });
    expect(english.body).toContain('language="en-US"');
  });
});

describe('signed webhooks (WeChat, Weibo, apps)', () => {
  const payload = { messageId: 'wx-msg-1', text: '订单 2231 的退款还没到账', customer: { id: 'wx-openid-77', name: '李雷' } };
  const body = JSON.stringify(payload);
  const post = (source: string, raw: string, sig?: string) => stack.app.inject({ method: 'POST', url: `/v1/channels/webhook/${source}`, headers: { 'content-type': 'application/json', ...(sig ? { 'x-signature': sig } : {}) }, payload: raw });

  it('refuses a forged or missing signature (403) and an unknown source (404); a genuine message opens one complaint', async () => {
    expect((await post('wechat', body)).statusCode).toBe(403);
    expect((await post('wechat', body, hmacSignature('not-the-secret-at-all', body))).statusCode).toBe(403);
    expect((await post('wechat', body.replace('2231', '9999'), hmacSignature(SECRETS.wechat, body))).statusCode).toBe(403);
    expect((await post('weibo', body, hmacSignature(SECRETS.wechat, body))).statusCode).toBe(404);
    const ok = await post('wechat', body, hmacSignature(SECRETS.wechat, body));
    expect(ok.statusCode).toBe(201);
    const { id } = ok.json();
    expect(await complaintView(id)).toMatchObject({ channel: 'wechat', customer: { id: 'wx-openid-77', language: 'zh' } });
    const again = await post('wechat', body, hmacSignature(SECRETS.wechat, body));
    expect(again.json()).toMatchObject({ id, created: false });
    const invalid = JSON.stringify({ messageId: 'x' });
    expect((await post('app', invalid, hmacSignature(SECRETS.app, invalid))).statusCode).toBe(400);
    // The old header still works for now, and says it is deprecated.
    expect(again.headers.deprecation).toBe('true');
  });

  it('Standard Webhooks headers: a timestamp inside five minutes is accepted, a stale or future one refused, and the signature covers id and time', async () => {
    const raw = JSON.stringify({ messageId: 'wx-std-1', text: '快递三天没有更新', customer: { id: 'wx-openid-88' } });
    const send = (headers: Record<string, string>, payload = raw) => stack.app.inject({ method: 'POST', url: '/v1/channels/webhook/wechat', headers: { 'content-type': 'application/json', ...headers }, payload });
    const now = Math.floor(Date.now() / 1000);
    const ok = await send(standardWebhookHeaders(SECRETS.wechat, 'msg_1', raw, now - 200));
    expect(ok.statusCode).toBe(201);
    expect(ok.headers.deprecation).toBeUndefined();
    // Captured and replayed ten minutes later (or sent from a clock ten minutes ahead): refused.
    for (const at of [now - 600, now + 600]) {
      const stale = await send(standardWebhookHeaders(SECRETS.wechat, 'msg_1', raw, at));
      expect(stale.statusCode).toBe(403);
      expect(stale.json().error.message).toMatch(/webhook-timestamp/);
    }
    // The time cannot be moved forward without the secret: the signature covers it.
    const fresh = standardWebhookHeaders(SECRETS.wechat, 'msg_1', raw, now - 600);
    expect((await send({ ...fresh, 'webhook-timestamp': String(now) })).statusCode).toBe(403);
    expect((await send({ ...standardWebhookHeaders(SECRETS.wechat, 'msg_1', raw, now), 'webhook-id': 'msg_2' })).statusCode).toBe(403);
    expect((await send(standardWebhookHeaders('not-the-secret-at-all', 'msg_1', raw, now))).statusCode).toBe(403);
    // A sender that sends both headers is held to the timestamped one.
    expect((await send({ ...standardWebhookHeaders(SECRETS.wechat, 'msg_1', raw, now - 600), 'x-signature': hmacSignature(SECRETS.wechat, raw) })).statusCode).toBe(403);
  });

  it('with the deprecated header switched off (CHANNEL_WEBHOOK_LEGACY_SIGNATURES=false) only the timestamped headers are accepted', async () => {
    const strict = await buildApp({
      database: stack.database,
      temporal: stack.client,
      taskQueue: stack.taskQueue,
      tokens: devApiTokens(),
      surveySecret: TEST_SURVEY_SECRET,
      idSecret: TEST_ID_SECRET,
      replay: createReplayer(stack.client),
      channels: { publicBaseUrl: TEST_PUBLIC_BASE_URL, webhookSecrets: SECRETS, legacyWebhookSignatures: false },
    });
    try {
      const raw = JSON.stringify({ messageId: 'app-std-2', text: 'The app crashes when I pay.' });
      const send = (headers: Record<string, string>) => strict.inject({ method: 'POST', url: '/v1/channels/webhook/app', headers: { 'content-type': 'application/json', ...headers }, payload: raw });
      expect((await send({ 'x-signature': hmacSignature(SECRETS.app, raw) })).statusCode).toBe(403);
      expect((await send(standardWebhookHeaders(SECRETS.app, 'msg_9', raw))).statusCode).toBe(201);
    } finally {
      await strict.close();
    }
  });
});

describe('outbox and failures', () => {
  it('an invalid number fails permanently: recorded on the timeline and in the outbox, never retried; GET /v1/outbox is for admins', async () => {
    const r = await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: 'My card was declined twice today.', customer: { id: 'c-bad', phone: INVALID_NUMBER, email: 'nobody@example.com' } } });
    const { id } = r.json();
    // The acknowledgement's two failures: each channel has its own relay lane, so which comes first (and
    // whether the assignment notice's SMS fails before the email) is not fixed.
    const failures = await eventually(async () => {
      const t = (await getTimeline(stack.database.db, id)).filter((e) => e.type === 'notification_failed' && e.data.template === 'acknowledgement');
      return t.length >= 2 ? t : undefined;
    });
    expect(failures.map((f) => f.data.channel).sort()).toEqual(['email', 'sms']);
    expect(failures.find((f) => f.data.channel === 'sms')!.data.error).toContain('21211');
    expect(failures.find((f) => f.data.channel === 'email')!.data.error).toContain('550');
    const rows = await stack.database.db.select().from(notifications).where(eq(notifications.complaintId, id));
    expect(rows.filter((m) => m.template === 'acknowledgement').map((m) => [m.status, m.attempts])).toEqual([
      ['failed', 1],
      ['failed', 1],
    ]);
    const outbox = await stack.app.inject({ method: 'GET', url: `/v1/outbox?complaintId=${id}&status=failed`, headers: auth('admin') });
    expect(outbox.statusCode).toBe(200);
    expect(outbox.json().items.length).toBeGreaterThanOrEqual(2);
    expect((await stack.app.inject({ method: 'GET', url: '/v1/outbox', headers: auth('supervisor') })).statusCode).toBe(403);
    expect((await complaintView(id)).timeline.some((e: { type: string }) => e.type === 'notification_failed')).toBe(true);
  });
});

describe('the survey page', () => {
  it('renders a bilingual form in the customer’s language first and takes the score as a plain form post', async () => {
    const r = await stack.app.inject({ method: 'POST', url: '/v1/complaints', headers: auth('integrator'), payload: { channel: 'web', body: '发票开错了，抬头不对。', customer: { id: 'c-page', email: 'page@example.com', language: 'zh' } } });
    const { id } = r.json();
    await untilStatus(id, 'assigned');
    await stack.app.inject({ method: 'POST', url: `/v1/complaints/${id}/resolve`, headers: auth('supervisor'), payload: { resolution: '已重新开具发票。' } });
    const invite = await eventually(async () => mailsTo('page@example.com').find((m) => m.mail.subject === `请评价我们对投诉 ${id} 的处理`));
    const path = /\/v1\/surveys\/\S+/.exec(invite.mail.text!)![0];
    const page = await stack.app.inject({ method: 'GET', url: path, headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<html lang="zh-CN">');
    expect(page.body.indexOf('您对我们处理投诉')).toBeLessThan(page.body.indexOf('How satisfied'));
    expect(page.body.match(/<button type="submit" name="score" value="[1-5]">/g)).toHaveLength(5);
    const posted = await stack.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: 'score=4&comment=%E5%BE%88%E5%BF%AB' });
    expect(posted.statusCode).toBe(200);
    expect(posted.body).toContain('感谢您的评分');
    expect((await untilStatus(id, 'closed')).survey).toEqual({ status: 'answered', score: 4 });
    const again = await stack.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'score=1' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('已提交');
    // A field sent twice is refused as invalid; the form was once read with .trim() on the list (a 500).
    const twice = await stack.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'score=3&comment=a&comment=b' });
    expect([twice.statusCode, twice.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const badScore = await stack.app.inject({ method: 'GET', url: path, headers: { accept: 'application/json' } });
    expect(badScore.json()).toMatchObject({ complaintId: id, status: 'answered' });
  });
});
