import formbody from '@fastify/formbody';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { getComplaint } from '../../db/queries/complaints';
import { getSurvey } from '../../db/queries/surveys';
import { surveyPage, surveyThanksPage } from '../../notify/survey-page';
import { verifySurveyToken } from '../../notify/survey-token';
import { surveyUpdate } from '../../../workflows/complaint.messages';
import type { Engine } from '../engine';
import { AppError } from '../errors';
import { errorResponse, publicErrors } from '../schemas/common';
import { actionResult, surveyAnswer, surveyView } from '../schemas/complaints';

export interface SurveyRouteDeps {
  db: Db;
  engine: Engine;
  secret: string;
}

const tokenParams = z.object({ token: z.string().min(10).max(300) });

/** An answer that is JSON for API clients and the HTML page for a browser (Accept: text/html, or the page's own form post). */
const jsonOrPage = <T extends z.ZodType>(json: T) => ({ content: { 'application/json': { schema: json }, 'text/html': { schema: z.string().meta({ description: 'the survey page' }) } } });

/**
 * The page's form post as the JSON answer, before validation: the score as a number when it is digits,
 * the comment trimmed and left out when blank, other fields dropped. A field sent twice stays a list, for
 * the schema to refuse.
 */
export function answerFromForm(raw: string): Record<string, unknown> {
  const form = new URLSearchParams(raw);
  const field = (name: string): string | string[] | undefined => {
    const all = form.getAll(name);
    return all.length > 1 ? all : all[0];
  };
  const score = field('score');
  const comment = field('comment');
  return {
    score: typeof score === 'string' && /^\d+$/.test(score) ? Number(score) : score,
    ...(typeof comment === 'string' ? (comment.trim() ? { comment: comment.trim() } : {}) : comment === undefined ? {} : { comment }),
  };
}
const QUESTION = { en: 'How satisfied are you with how we handled your complaint? (1 = very unsatisfied, 5 = very satisfied)', zh: '您对我们处理投诉的结果满意吗？（1 = 非常不满意，5 = 非常满意）' };

/** Opens a survey by its signed token: its claims, its state, and the customer's language. */
export function createSurveyOpener(db: Db, secret: string) {
  return async function open(token: string) {
    const claims = verifySurveyToken(secret, token);
    const row = claims && (await getSurvey(db, claims.nonce));
    // A forged token and an unknown one look the same from outside: no oracle for guessing.
    if (!claims || !row || row.complaintId !== claims.complaintId) throw new AppError('NOT_FOUND', 'No such survey.');
    const status = row.answeredAt ? ('answered' as const) : claims.expiresAt.getTime() < Date.now() ? ('expired' as const) : ('pending' as const);
    const complaint = await getComplaint(db, claims.complaintId);
    return { claims, status, language: complaint?.customerLanguage ?? complaint?.language ?? 'en' };
  };
}

export type SurveyOpener = ReturnType<typeof createSurveyOpener>;

/** Public survey pages: the signed token is the credential, so no bearer token is asked. */
export const surveyRoutes =
  ({ db, engine, secret }: SurveyRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const open = createSurveyOpener(db, secret);
    // The HTML page posts a plain form; the parser turns it into the JSON answer, which the schema then validates.
    await app.register(formbody, { parser: answerFromForm });
    const wantsHtml = (req: FastifyRequest) => /text\/html/.test(req.headers.accept ?? '') || /urlencoded/.test(req.headers['content-type'] ?? '');
    const langOf = (l: string): 'en' | 'zh' => (l === 'zh' ? 'zh' : 'en');
    // The pages have no scripts and post only to themselves; nothing else may load or frame them.
    const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    const html = (reply: FastifyReply): void => void reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP);

    app.get(
      '/v1/surveys/:token',
      { schema: { tags: ['surveys'], summary: 'The survey question (public; the token is the credential)', security: [], params: tokenParams, response: { 200: jsonOrPage(surveyView), ...publicErrors } } },
      async (req, reply) => {
        const { claims, status, language } = await open(req.params.token);
        if (wantsHtml(req)) {
          html(reply);
          return reply.send(surveyPage(claims.complaintId, langOf(language), status));
        }
        return { complaintId: claims.complaintId, question: QUESTION, scale: { min: 1 as const, max: 5 as const }, status };
      },
    );

    app.post(
      '/v1/surveys/:token',
      {
        schema: { tags: ['surveys'], summary: 'Answer the survey once: {score: 1..5, comment?} as JSON, or the page’s form', security: [], params: tokenParams, body: surveyAnswer, response: { 200: jsonOrPage(actionResult), ...publicErrors, 409: jsonOrPage(errorResponse), 503: errorResponse } },
      },
      async (req, reply) => {
        const { claims, status, language } = await open(req.params.token);
        if (status !== 'pending') {
          if (wantsHtml(req)) {
            html(reply);
            return reply.status(409).send(surveyPage(claims.complaintId, langOf(language), status));
          }
          throw new AppError('INVALID_STATE', status === 'answered' ? 'This survey was already answered.' : 'This survey has expired.', [{ message: status }]);
        }
        const result = await engine.update(claims.complaintId, surveyUpdate, { score: req.body.score, comment: req.body.comment, nonce: claims.nonce });
        if (wantsHtml(req)) {
          html(reply);
          return reply.send(surveyThanksPage(langOf(language)));
        }
        return result;
      },
    );
  };
