import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { getSurvey } from '../../db/queries/surveys';
import { verifySurveyToken } from '../../notify/survey-token';
import { surveyUpdate } from '../../../workflows/complaint.messages';
import type { Engine } from '../engine';
import { AppError } from '../errors';
import { errorResponse } from '../schemas/common';
import { actionResult, surveyAnswer, surveyView } from '../schemas/complaints';

export interface SurveyRouteDeps {
  db: Db;
  engine: Engine;
  secret: string;
}

const tokenParams = z.object({ token: z.string().min(10).max(300) });
const QUESTION = { en: 'How satisfied are you with how we handled your complaint? (1 = very unsatisfied, 5 = very satisfied)', zh: '您对我们处理投诉的结果满意吗？（1 = 非常不满意，5 = 非常满意）' };

/** Public survey pages: the signed token is the credential, so no bearer token is asked. */
export const surveyRoutes =
  ({ db, engine, secret }: SurveyRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    async function open(token: string) {
      const claims = verifySurveyToken(secret, token);
      const row = claims && (await getSurvey(db, claims.nonce));
      // A forged token and an unknown one look the same from outside: no oracle for guessing.
      if (!claims || !row || row.complaintId !== claims.complaintId) throw new AppError('NOT_FOUND', 'No such survey.');
      const status = row.answeredAt ? ('answered' as const) : claims.expiresAt.getTime() < Date.now() ? ('expired' as const) : ('pending' as const);
      return { claims, status };
    }

    app.get(
      '/v1/surveys/:token',
      { schema: { tags: ['surveys'], summary: 'The survey question (public; the token is the credential)', security: [], params: tokenParams, response: { 200: surveyView, 404: errorResponse } } },
      async (req) => {
        const { claims, status } = await open(req.params.token);
        return { complaintId: claims.complaintId, question: QUESTION, scale: { min: 1 as const, max: 5 as const }, status };
      },
    );

    app.post(
      '/v1/surveys/:token',
      { schema: { tags: ['surveys'], summary: 'Answer the survey once: {score: 1..5, comment?}', security: [], params: tokenParams, body: surveyAnswer, response: { 200: actionResult, 400: errorResponse, 404: errorResponse, 409: errorResponse } } },
      async (req) => {
        const { claims, status } = await open(req.params.token);
        if (status !== 'pending') throw new AppError('INVALID_STATE', status === 'answered' ? 'This survey was already answered.' : 'This survey has expired.', [{ message: status }]);
        return engine.update(claims.complaintId, surveyUpdate, { score: req.body.score, comment: req.body.comment, nonce: claims.nonce });
      },
    );
  };
