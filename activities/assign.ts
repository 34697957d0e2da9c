import { eq } from 'drizzle-orm';
import type { Db } from '../src/db/client';
import { getComplaint, type StepRef } from '../src/db/queries/complaints';
import { assignLeastLoaded } from '../src/db/queries/routing';
import { resolutionsOf } from '../src/db/queries/kb';
import { handlers, type Suggestion } from '../src/db/schema';
import type { OutboxNudge } from '../src/notify/deliver';
import type { AssignmentOutcome } from '../src/shared/types';
import { classified } from './failures';
import { queueTx } from './notify';

const EXCERPT = 300;

/** The handler's notice lists what triage suggested, best first, so the answer is one click away. */
function suggestionLines(list: Suggestion[], resolutions: Map<string, { resolution: string | null }>, lang: 'en' | 'zh'): string {
  const lines = list.flatMap((s) => {
    if (s.kind === 'article') return [lang === 'zh' ? `- 知识库文章：${s.title}（/v1/kb/articles/${s.articleId}，相关度 ${s.score}）` : `- Article: ${s.title} (/v1/kb/articles/${s.articleId}, score ${s.score})`];
    const text = resolutions.get(s.complaintId)?.resolution?.replace(/\s+/g, ' ').slice(0, EXCERPT);
    if (!text) return [];
    return [lang === 'zh' ? `- 相似投诉 ${s.complaintId} 的解决方式（相似度 ${s.score}）：${text}` : `- How similar complaint ${s.complaintId} was resolved (similarity ${s.score}): ${text}`];
  });
  if (lines.length === 0) return '';
  return `${lang === 'zh' ? '参考建议：' : 'Suggested:'}\n${lines.join('\n')}`;
}

export interface AssignDeps {
  db: Db;
  outbox: OutboxNudge;
}

/**
 * Tells the customer who has their complaint and the handler what they got, under the assignment's own
 * step: queued after the assignment commits, deduplicated by that step, so a retry queues nothing twice.
 * The relay sends them; the assignment does not wait for SMTP.
 */
async function noticeAssignment({ db, outbox }: AssignDeps, complaintId: string, seq: number, handlerId: string): Promise<void> {
  const stored = (await getComplaint(db, complaintId))?.suggestions ?? [];
  const resolutions = await resolutionsOf(db, stored.flatMap((s) => (s.kind === 'resolution' ? [s.complaintId] : [])));
  await db.transaction(async (tx) => {
    const row = await getComplaint(tx, complaintId);
    if (!row || row.assignee !== handlerId) return; // moved on meanwhile: the newer step speaks
    const [h] = await tx.select().from(handlers).where(eq(handlers.id, handlerId));
    await queueTx(tx, row, { seq, template: 'assigned', audience: 'customer', vars: { handler: h?.name ?? handlerId } });
    const suggestions = suggestionLines(row.suggestions, resolutions, row.language === 'zh' ? 'zh' : 'en');
    await queueTx(tx, row, { seq, template: 'assignment_notice', audience: 'assignee', vars: { category: row.category ?? '', priority: row.priority ?? '', summary: row.summary ?? '', suggestions } });
  });
  outbox.nudge();
}

export interface AssignCommand extends StepRef {
  at: string;
  department: string;
  category: string;
  language: string;
}

export function createAssignActivities(deps: AssignDeps) {
  const { db } = deps;
  return {
    /**
     * Assigns the least-loaded eligible handler of the department, or returns assignee null when nobody is
     * eligible (the workflow then waits in the department queue and tries again).
     */
    async assignComplaint(cmd: AssignCommand): Promise<AssignmentOutcome> {
      return classified(() => assign(cmd));
    },
  };

  async function assign(cmd: AssignCommand): Promise<AssignmentOutcome> {
    const { assignee, nextShiftAt } = await assignLeastLoaded(db, {
      complaintId: cmd.complaintId,
      department: cmd.department,
      category: cmd.category,
      language: cmd.language,
      transition: { seq: cmd.seq, wft: cmd.wft, event: { type: 'assigned', actor: { subject: 'router', role: 'system' }, at: cmd.at } },
    });
    if (assignee) await noticeAssignment(deps, cmd.complaintId, cmd.seq, assignee);
    return { assignee, department: cmd.department, nextShiftAt };
  }
}
