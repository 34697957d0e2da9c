import { applyTransition } from '../src/db/queries/complaints';
import { departmentForCategory } from '../src/db/queries/routing';
import type { Db } from '../src/db/client';
import type { SlaPolicy } from '../src/shared/sla-types';
import type { CompiledRules } from '../src/triage/rules';
import { FALLBACK_CATEGORY, type Language } from '../src/shared/constants';
import { resolveTargets } from '../src/shared/sla-clock';
import type { Actor, TriageOutcome } from '../src/shared/types';

export interface TriageDeps {
  db: Db;
  rules: CompiledRules;
  defaultDepartment: string;
  slaPolicy: SlaPolicy;
  unassignedEscalationMs: number;
}

export interface TriageRequest {
  complaintId: string;
  seq: number;
  at: string;
  subject?: string;
  body: string;
  declaredLanguage?: Language;
}

const SYSTEM: Actor = { subject: 'triage', role: 'system' };
const CJK = /[\u3400-\u9fff]/g;
const LATIN = /[A-Za-z]/g;

/** Script ratio is enough to pick zh / en / mixed for routing; a complaint rarely mixes evenly. */
function detectLanguage(text: string): TriageOutcome['language'] {
  const zh = text.match(CJK)?.length ?? 0;
  const en = (text.match(LATIN)?.length ?? 0) / 4; // ~4 letters per English word vs 1 character per Chinese word
  if (zh === 0 && en === 0) return 'en';
  const share = zh / (zh + en);
  return share >= 0.7 ? 'zh' : share <= 0.3 ? 'en' : 'mixed';
}

/** The first sentence, trimmed to a line: enough for a queue view until the models summarise. */
function firstSentence(text: string): string {
  const s = text.trim().split(/(?<=[.!?。！？])\s*/u)[0] ?? text;
  return s.length > 140 ? `${s.slice(0, 139)}…` : s;
}

export function createTriageActivities({ db, rules, defaultDepartment, slaPolicy, unassignedEscalationMs }: TriageDeps) {
  return {
    /** Classifies the complaint, routes it to a department, and records it as triaged. */
    async triageComplaint(req: TriageRequest): Promise<TriageOutcome> {
      const text = [req.subject, req.body].filter(Boolean).join('\n');
      const verdict = rules.evaluate(text);
      const category = verdict.category?.label ?? FALLBACK_CATEGORY;
      const priority = verdict.priority?.level ?? verdict.defaultPriority;
      const priorityReasons = verdict.priority ? [`${verdict.priority.reason}:${verdict.priority.hits.join(',')}`] : ['default'];
      const outcome: TriageOutcome = {
        language: req.declaredLanguage ?? detectLanguage(text),
        category,
        department: await departmentForCategory(db, category, defaultDepartment),
        priority,
        priorityReasons,
        keywords: verdict.category?.hits ?? [],
        summary: firstSentence(req.subject ?? req.body),
        decidedBy: verdict.category ? `rule:${verdict.category.hits.join(',')}` : 'fallback',
        sla: slaPolicy,
        unassignedEscalationMs,
      };
      await applyTransition(db, {
        complaintId: req.complaintId,
        seq: req.seq,
        status: 'triaged',
        patch: {
          language: outcome.language,
          category: outcome.category,
          department: outcome.department,
          priority: outcome.priority,
          priorityReasons: outcome.priorityReasons,
          keywords: outcome.keywords,
          summary: outcome.summary,
        },
        event: { type: 'triaged', actor: SYSTEM, at: req.at, data: { ...outcome, sla: resolveTargets(slaPolicy, priority, category), unassignedEscalationMs: undefined } },
      });
      return outcome;
    },
  };
}
