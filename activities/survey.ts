import type { Db } from '../src/db/client';
import { applyTransitionTx, type StepRef } from '../src/db/queries/complaints';
import { answerSurvey, insertSurvey } from '../src/db/queries/surveys';
import { createSurveyToken } from '../src/notify/survey-token';
import { notifyTx } from './notify';
import type { OutboxNudge } from '../src/notify/deliver';

export interface SurveyDeps {
  db: Db;
  outbox: OutboxNudge;
  surveySecret: string;
  publicBaseUrl: string;
}

export function createSurveyActivities({ db, outbox, surveySecret, publicBaseUrl }: SurveyDeps) {
  return {
    /** Queues the survey invitation (or its reminder) with a signed, single-use, expiring link; the relay sends it. */
    async sendSurvey(cmd: StepRef & { at: string; nonce: string; expiresAt: string; reminder: boolean }): Promise<void> {
      const token = createSurveyToken(surveySecret, cmd.complaintId, cmd.nonce, new Date(cmd.expiresAt));
      await db.transaction(async (tx) => {
        await insertSurvey(tx, { nonce: cmd.nonce, complaintId: cmd.complaintId, expiresAt: new Date(cmd.expiresAt), createdAt: new Date(cmd.at) });
        await notifyTx(tx, {
          complaintId: cmd.complaintId,
          seq: cmd.seq,
          wft: cmd.wft,
          at: cmd.at,
          template: cmd.reminder ? 'survey_reminder' : 'survey_invitation',
          audience: 'customer',
          vars: { link: `${publicBaseUrl}/v1/surveys/${token}` },
        });
      });
      outbox.nudge();
    },

    /** Stores an answer the workflow accepted, with its timeline event. */
    async recordSurveyAnswer(cmd: StepRef & { at: string; nonce: string; score: number; comment?: string }): Promise<void> {
      await db.transaction(async (tx) => {
        await answerSurvey(tx, cmd.nonce, cmd.score, cmd.comment, new Date(cmd.at));
        await applyTransitionTx(tx, {
          complaintId: cmd.complaintId,
          seq: cmd.seq,
          wft: cmd.wft,
          patch: { surveyStatus: 'answered', surveyScore: cmd.score },
          event: { type: 'survey_answered', actor: { subject: 'customer', role: 'customer' }, at: cmd.at, data: { score: cmd.score, comment: cmd.comment ?? null } },
        });
      });
    },
  };
}
