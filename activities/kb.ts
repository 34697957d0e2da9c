import type { Db } from '../src/db/client';
import { applyTransition, getComplaint, type StepRef } from '../src/db/queries/complaints';
import type { KnowledgeBase } from '../src/kb/knowledge-base';
import type { Actor } from '../src/shared/types';

export interface KbDeps {
  db: Db;
  kb: KnowledgeBase;
}

export interface DraftRequest extends StepRef {
  at: string;
}

export interface DraftOutcome {
  created: boolean;
  articleId?: string;
  duplicateOf?: string;
  similarity?: number;
}

const LEARNER: Actor = { subject: 'kb-learning', role: 'system' };

/** A title an agent can recognise: the subject, else the summary, else the first sentence. */
function titleFor(subject: string | null, summary: string | null, body: string): string {
  const first = body.split(/(?<=[.!?。！？])\s*/)[0] ?? body;
  return (subject ?? summary ?? first).replace(/\s+/g, ' ').trim().slice(0, 120);
}

export function createKbActivities({ db, kb }: KbDeps) {
  return {
    /**
     * Learns from a complaint closed with a good score: drafts an article from its resolution for an agent
     * to review (or notes the live article it repeats), and records which on the timeline.
     */
    async draftArticleFromResolution(req: DraftRequest): Promise<DraftOutcome> {
      const row = await getComplaint(db, req.complaintId);
      let outcome: DraftOutcome = { created: false };
      if (row?.resolution && !row.erasedAt) {
        outcome = await kb.draftFromResolution({
          complaintId: row.id,
          title: titleFor(row.subject, row.summary, row.body),
          problem: (row.summary ?? row.body).slice(0, 2000),
          resolution: row.resolution,
          language: row.language === 'zh' ? 'zh' : 'en',
          category: row.category,
        });
      }
      await applyTransition(db, { complaintId: req.complaintId, seq: req.seq, wft: req.wft, event: { type: 'kb_draft', actor: LEARNER, at: req.at, data: { ...outcome } } });
      return outcome;
    },
  };
}
