import formbody from '@fastify/formbody';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import twilio from 'twilio';
import { z } from 'zod';
import { callerLanguage, checkStandardWebhook, languageOf, parseRawEmail, replyText, threadCandidates, validHmacSignature, type InboundEmail } from '../../channels/inbound';
import { emptyMessagingTwiml, greetingTwiml, notHeardTwiml, recordedTwiml, surveyCallTwiml, surveyThanksTwiml } from '../../channels/twiml';
import type { Db } from '../../db/client';
import { getComplaint, openComplaintOf } from '../../db/queries/complaints';
import { pendingSurveyOf } from '../../db/queries/surveys';
import { REPLYABLE_STATUSES } from '../../domain/complaint/vocabulary';
import type { Channel } from '../../shared/constants';
import type { Actor } from '../../shared/types';
import { customerReplyUpdate, surveyUpdate } from '../../../workflows/complaint.messages';
import { requireRoles } from '../auth';
import { derivedComplaintId } from '../complaint-ids';
import type { Engine } from '../engine';
import { AppError } from '../errors';
import { jsonTooDeep, tooDeepError } from '../hardening';
import type { Intake, IntakeResult } from '../intake';
import { authErrors, errorResponse, isoTime, publicErrors } from '../schemas/common';
import { actionBodies, customerInput, type CreateComplaintBody } from '../schemas/complaints';
import type { SurveyOpener } from './surveys';

export interface ChannelRouteDeps {
  db: Db;
  engine: Engine;
  intake: Intake;
  /** Keys complaint ids (ID_SECRET): a redelivered SMS finds the complaint it opened by its derived id. */
  idSecret: string;
  openSurvey: SurveyOpener;
  /** The base URL Twilio calls us on: signatures are computed over it plus the path. */
  publicBaseUrl: string;
  /** Twilio's auth token; unset refuses the SMS and voice webhooks (nothing could check them). */
  twilioAuthToken?: string;
  webhookSecrets: Readonly<Record<string, string>>;
  /** Accept the deprecated `X-Signature` (no timestamp) beside the Standard Webhooks headers; default true. */
  legacyWebhookSignatures?: boolean;
  /** Source → the integrator its complaints belong to (CHANNEL_INTEGRATORS); unlisted: staff only. */
  integrators?: Readonly<Record<string, string>>;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

const REPLYABLE = new Set<string>(REPLYABLE_STATUSES);
/** Who may add a customer reply by email: the integrator that submitted the complaint, or an admin. */
const mayThreadInto = (submittedBy: string, actor: Actor): boolean => actor.role === 'admin' || submittedBy === actor.subject;
const customerActor = (contact: string): Actor => ({ subject: `customer:${contact}`, role: 'customer' });

const twilioForm = z.looseObject({ From: z.string().trim().min(1).max(64), To: z.string().max(64).optional() });
const smsForm = twilioForm.extend({ MessageSid: z.string().trim().min(1).max(64), Body: z.string().max(20_000).default('') });
const speechForm = twilioForm.extend({ CallSid: z.string().trim().min(1).max(64), SpeechResult: z.string().max(20_000).optional() });
const digitsForm = z.looseObject({ Digits: z.string().max(10).optional() });
const langQuery = z.object({ lang: z.enum(['en', 'zh']).optional() });

const emailJson = z
  .object({
    messageId: z.string().trim().min(1).max(998).optional(),
    from: z.object({ address: z.email().max(320), name: z.string().trim().max(200).optional() }),
    subject: z.string().trim().max(998).optional(),
    text: z.string().max(100_000),
    inReplyTo: z.string().max(998).optional(),
    references: z.array(z.string().max(998)).max(100).default([]),
  })
  .strict()
  .meta({ id: 'InboundEmail' });

const webhookBody = z
  .object({
    messageId: z.string().trim().min(1).max(200),
    text: z.string().trim().min(1).max(20_000),
    subject: z.string().trim().min(1).max(500).optional(),
    occurredAt: isoTime.optional(),
    customer: customerInput.default({}),
    /** A complaint this message continues (the customer replied in the conversation). */
    replyTo: z.string().trim().min(1).max(64).optional(),
  })
  .strict()
  .meta({ id: 'InboundWebhookMessage' });

/** TwiML (text/xml); documented as a string, sent as is. */
const twimlResponse = z.string().meta({ description: 'TwiML document (text/xml)' });

const channelResult = z.object({ id: z.string(), status: z.string(), created: z.boolean(), threaded: z.boolean() }).meta({ id: 'ChannelIntakeResult' });

const CHANNEL_OF_SOURCE: Record<string, Channel> = { wechat: 'wechat', weibo: 'weibo' };

/** Inbound channels: email, SMS, voice and signed webhooks, all into the one intake. */
export const channelRoutes =
  (deps: ChannelRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, engine, intake, idSecret, publicBaseUrl, twilioAuthToken, webhookSecrets, integrators = {} } = deps;
    const legacyWebhookSignatures = deps.legacyWebhookSignatures ?? true;
    /** Who submits what a source brings in: its configured integrator (whose token then sees it), else the source itself. */
    const channelActor = (source: string): Actor => ({ subject: integrators[source] ?? `channel:${source}`, role: 'integrator' });
    await app.register(formbody);
    app.addContentTypeParser('message/rfc822', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    // Webhook signatures are over the exact bytes received, so keep them before parsing.
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      req.rawBody = body as string;
      if (jsonTooDeep(body as string)) return done(tooDeepError(), undefined);
      try {
        done(null, (body as string).length === 0 ? undefined : JSON.parse(body as string));
      } catch (err) {
        done(new AppError('INVALID_JSON', (err as Error).message), undefined);
      }
    });

    /** Refuses what Twilio did not sign: the signature covers our public URL and every form field. */
    function checkTwilio(req: FastifyRequest): void {
      if (!twilioAuthToken) throw new AppError('NOT_FOUND', 'The SMS and voice channels are not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).');
      const signature = req.headers['x-twilio-signature'];
      const params = (req.body ?? {}) as Record<string, string>;
      if (typeof signature !== 'string' || !twilio.validateRequest(twilioAuthToken, signature, `${publicBaseUrl}${req.url}`, params)) {
        throw new AppError('FORBIDDEN', 'The X-Twilio-Signature does not match this request.');
      }
    }
    // Checked before the body is validated: an unsigned caller learns nothing about the form we expect.
    const signedByTwilio = { preValidation: async (req: FastifyRequest) => checkTwilio(req) };
    const xml = (reply: FastifyReply, body: string) => reply.type('text/xml; charset=utf-8').send(body);

    /** A reply to an open complaint, once per channel message; false when the complaint cannot take it. */
    async function reply(complaintId: string, messageKey: string, text: string, from: string): Promise<boolean> {
      // The limit of POST /v1/complaints/:id/customer-replies holds for a reply by any channel.
      const checked = actionBodies['customer-replies'].safeParse({ text });
      if (!checked.success) throw new AppError('VALIDATION_FAILED', `The reply is invalid: ${checked.error.issues[0]!.message}`, [{ path: 'body.text', message: checked.error.issues[0]!.message }]);
      try {
        await engine.updateOnce(complaintId, messageKey, customerReplyUpdate, { text, actor: customerActor(from) });
        return true;
      } catch (err) {
        if (err instanceof AppError && err.code === 'INVALID_STATE') return false; // closed meanwhile: a new complaint
        throw err;
      }
    }

    const submit = (body: CreateComplaintBody, actor: Actor): Promise<IntakeResult> => intake(body, actor);
    const result = (r: { id: string; status: string }, created: boolean, threaded: boolean) => ({ id: r.id, status: r.status, created, threaded });

    async function takeEmail(mail: InboundEmail, actor: Actor, res: FastifyReply) {
      if (!mail.from) throw new AppError('VALIDATION_FAILED', 'The email has no sender address.', [{ path: 'body.from', message: 'required' }]);
      const text = replyText(mail.text);
      for (const id of threadCandidates(mail)) {
        const row = await getComplaint(db, id);
        // Only into a complaint the caller may act on: an integrator's own (as on every complaint route),
        // any for an admin. Another integrator's id in a subject opens a new complaint instead.
        if (row && mayThreadInto(row.submittedBy, actor) && REPLYABLE.has(row.status) && text && (await reply(id, `email:${mail.messageId ?? text}`, text, mail.from))) {
          return res.status(200).send(result({ id, status: (await getComplaint(db, id))?.status ?? row.status }, false, true));
        }
      }
      const body = mail.text.trim() || mail.subject?.trim();
      if (!body) throw new AppError('VALIDATION_FAILED', 'The email has neither text nor subject.', [{ path: 'body.text', message: 'must not be empty' }]);
      const r = await submit(
        { channel: 'email', body, subject: mail.subject?.slice(0, 500) || undefined, customer: { id: mail.from.toLowerCase().slice(0, 200), email: mail.from, name: mail.fromName?.slice(0, 200), language: languageOf(body) }, externalRef: mail.messageId?.slice(0, 200), metadata: {} },
        actor,
      );
      return res.status(r.created ? 201 : 200).send(result(r, r.created, false));
    }

    app.post(
      '/v1/channels/email',
      {
        onRequest: requireRoles('integrator', 'admin'),
        schema: {
          tags: ['channels'],
          summary: 'Inbound email (raw message/rfc822, or parsed JSON); a reply to a known complaint becomes a customer reply',
          description: 'Send Content-Type message/rfc822 with the raw message, or application/json in the InboundEmail shape.',
          response: { 200: channelResult, 201: channelResult, 404: errorResponse, 409: errorResponse, 413: errorResponse, 415: errorResponse, ...authErrors },
        },
      },
      async (req, res) => {
        const mail = Buffer.isBuffer(req.body) ? await parseRawEmail(req.body) : emailFromJson(req.body);
        // An integrator's own mail gateway submits as itself; an admin's relay on behalf of the email source's integrator.
        const principal = req.principal!;
        return takeEmail(mail, principal.role === 'admin' && integrators.email ? channelActor('email') : principal, res);
      },
    );

    app.post(
      '/v1/channels/sms',
      { ...signedByTwilio, schema: { tags: ['channels'], summary: "Twilio's inbound SMS webhook (signed); replies continue an open complaint, a digit 1–5 answers its survey", security: [], body: smsForm, response: { 200: twimlResponse, ...publicErrors, 409: errorResponse, 503: errorResponse } } },
      async (req, res) => {
        const { From: from, Body, MessageSid } = req.body;
        const text = Body.trim();
        // Twilio redelivers a message it thinks we missed: if this one opened a complaint, it is done.
        if (await getComplaint(db, derivedComplaintId(idSecret, channelActor('sms').subject, undefined, 'sms', MessageSid)!)) return xml(res, emptyMessagingTwiml());
        const open = await openComplaintOf(db, { phone: from });
        if (open && /^[1-5]$/.test(text) && open.status === 'resolved') {
          const survey = await pendingSurveyOf(db, open.id);
          if (survey) {
            await engine.update(open.id, surveyUpdate, { score: Number(text), nonce: survey.nonce });
            return xml(res, emptyMessagingTwiml());
          }
        }
        if (open && text && (await reply(open.id, `sms:${MessageSid}`, text, from))) return xml(res, emptyMessagingTwiml());
        if (!text) return xml(res, emptyMessagingTwiml()); // an empty text opens nothing
        await submit({ channel: 'sms', body: text, customer: { id: from, phone: phoneOrUndefined(from), language: languageOf(text) }, externalRef: MessageSid, metadata: {} }, channelActor('sms'));
        return xml(res, emptyMessagingTwiml());
      },
    );

    app.post(
      '/v1/channels/voice',
      { ...signedByTwilio, schema: { tags: ['channels'], summary: "Twilio's incoming-call webhook (signed): greets in Chinese or English and gathers the complaint as speech", security: [], querystring: langQuery, body: twilioForm, response: { 200: twimlResponse, ...publicErrors, 409: errorResponse, 503: errorResponse } } },
      async (req, res) => {
        const lang = callerLanguage(req.body.From, req.query.lang);
        return xml(res, greetingTwiml(lang, `${publicBaseUrl}/v1/channels/voice/speech?lang=${lang}`));
      },
    );

    app.post(
      '/v1/channels/voice/speech',
      { ...signedByTwilio, schema: { tags: ['channels'], summary: 'Speech recognised by Twilio (signed): becomes the complaint; its number is read back', security: [], querystring: langQuery, body: speechForm, response: { 200: twimlResponse, ...publicErrors, 409: errorResponse, 503: errorResponse } } },
      async (req, res) => {
        const lang = callerLanguage(req.body.From, req.query.lang);
        const text = req.body.SpeechResult?.trim();
        if (!text) return xml(res, notHeardTwiml(lang));
        const r = await submit({ channel: 'voice', body: text, customer: { id: req.body.From, phone: phoneOrUndefined(req.body.From), language: lang }, externalRef: req.body.CallSid, metadata: {} }, channelActor('voice'));
        return xml(res, recordedTwiml(lang, r.id));
      },
    );

    app.post(
      '/v1/channels/voice/survey/:token',
      {
        ...signedByTwilio,
        schema: { tags: ['channels'], summary: 'Keypad answer of a survey call (signed): the digit 1–5 is the score', security: [], params: z.object({ token: z.string().min(10).max(300) }), body: digitsForm, response: { 200: twimlResponse, ...publicErrors, 409: errorResponse, 503: errorResponse } },
      },
      async (req, res) => {
        const { claims, status, language } = await deps.openSurvey(req.params.token);
        const lang = language === 'zh' ? 'zh' : 'en';
        const digit = req.body.Digits?.trim() ?? '';
        if (status !== 'pending') return xml(res, surveyThanksTwiml(lang));
        if (!/^[1-5]$/.test(digit)) return xml(res, surveyCallTwiml(lang, `${publicBaseUrl}${req.url}`, true));
        await engine.update(claims.complaintId, surveyUpdate, { score: Number(digit), nonce: claims.nonce });
        return xml(res, surveyThanksTwiml(lang));
      },
    );

    app.post(
      '/v1/channels/webhook/:source',
      {
        schema: {
          tags: ['channels'],
          summary: 'WeChat, Weibo or app messages as JSON, signed as Standard Webhooks do (webhook-id, webhook-timestamp within 5 minutes, webhook-signature); the older X-Signature (no timestamp) is deprecated',
          security: [],
          params: z.object({ source: z.string().regex(/^[a-z0-9-]{1,40}$/) }),
          body: webhookBody,
          response: { 200: channelResult, 201: channelResult, ...publicErrors, 409: errorResponse, 413: errorResponse, 415: errorResponse, 503: errorResponse },
        },
        // The signature is checked before the body is validated: an unsigned caller learns nothing.
        preValidation: async (req, reply) => {
          const { source } = req.params as { source: string };
          const secret = webhookSecrets[source];
          if (!secret) throw new AppError('NOT_FOUND', `No webhook source "${source}" is configured.`);
          const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
          const raw = req.rawBody ?? '';
          if (header('webhook-signature') !== undefined || !legacyWebhookSignatures) {
            const check = checkStandardWebhook(secret, { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature') }, raw);
            if (!check.ok) throw new AppError('FORBIDDEN', `The webhook signature is refused: ${check.reason}.`);
            return;
          }
          if (!validHmacSignature(secret, raw, header('x-signature'))) throw new AppError('FORBIDDEN', 'The X-Signature does not match this body (send the webhook-id, webhook-timestamp and webhook-signature headers instead).');
          // Still accepted, but the sender is told: X-Signature signs no time and will be refused once removed.
          void reply.header('deprecation', 'true').header('link', '<https://www.standardwebhooks.com>; rel="successor-version"');
          req.log.warn({ source }, 'webhook signed with the deprecated X-Signature header');
        },
      },
      async (req, res) => {
        const { source } = req.params;
        const b = req.body;
        const actor = channelActor(source);
        if (b.replyTo) {
          const row = await getComplaint(db, b.replyTo);
          if (row && row.submittedBy === actor.subject && REPLYABLE.has(row.status) && (await reply(row.id, `${source}:${b.messageId}`, b.text, b.customer.id ?? source))) {
            return res.status(200).send(result({ id: row.id, status: (await getComplaint(db, row.id))?.status ?? row.status }, false, true));
          }
        }
        const customer = { ...b.customer, language: b.customer.language ?? languageOf(b.text) };
        const r = await submit({ channel: CHANNEL_OF_SOURCE[source] ?? 'app', body: b.text, subject: b.subject, customer, externalRef: b.messageId, occurredAt: b.occurredAt, metadata: { source } }, actor);
        return res.status(r.created ? 201 : 200).send(result(r, r.created, false));
      },
    );
  };

/** A mail gateway's parsed form, validated like any body. */
function emailFromJson(body: unknown): InboundEmail {
  const r = emailJson.safeParse(body);
  if (!r.success) throw new AppError('VALIDATION_FAILED', 'Invalid email.', r.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message })));
  const b = r.data;
  return { messageId: b.messageId, from: b.from.address, fromName: b.from.name, subject: b.subject, text: b.text, threadIds: [...(b.inReplyTo ? [b.inReplyTo] : []), ...b.references] };
}

/** Twilio's From is E.164 for phones; anything else (a client name, a SIP URI) is kept as the id only. */
const phoneOrUndefined = (from: string): string | undefined => (/^\+[1-9]\d{6,14}$/.test(from) ? from : undefined);

