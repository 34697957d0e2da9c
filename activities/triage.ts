import { and, count, eq, gte, ne } from 'drizzle-orm';
import type { Db } from '../src/db/client';
import { applyTransition, type StepRef } from '../src/db/queries/complaints';
import { departmentServing } from '../src/db/queries/routing';
import { complaints } from '../src/db/schema';
import { triageText, type TriageModels, type TriageResult } from '../src/nlp';
import { FALLBACK_CATEGORY, PRIORITIES, type Language, type Priority } from '../src/shared/constants';
import { resolveTargets, slaSnapshot } from '../src/shared/sla-clock';
import type { SlaPolicy } from '../src/shared/sla-types';
import type { Actor, TriageOutcome } from '../src/shared/types';
import type { CompiledRules, RuleVerdict } from '../src/triage/rules';
import { complaintTerms, type KnowledgeBase } from '../src/kb/knowledge-base';
import { classified } from './failures';

export interface TriageDeps {
  db: Db;
  rules: CompiledRules;
  /** Model label → our category (triage-rules.yml `modelCategories`). */
  modelCategories: Record<string, string>;
  models: TriageModels;
  defaultDepartment: string;
  slaPolicy: SlaPolicy;
  unassignedEscalationMs: number;
  kb: KnowledgeBase;
}

export interface TriageRequest extends StepRef {
  at: string;
  subject?: string;
  body: string;
  declaredLanguage?: Language;
  customerId?: string;
  /** Vulnerable-customer tags and the like ("Older American", "Servicemember"). */
  customerTags?: string[];
  /** When the API accepted the complaint: the SLA clock's start (runs recorded before it sent none use `at`). */
  receivedAt?: string;
}

const SYSTEM: Actor = { subject: 'triage', role: 'system' };
/** A complaint from the same customer within this window counts as a repeat. */
const REPEAT_WINDOW_MS = 90 * 86_400_000;

const moreUrgent = (a: Priority, b: Priority): Priority => (PRIORITIES.indexOf(a) <= PRIORITIES.indexOf(b) ? a : b);

/** Keyword rules decide first (they say why); the models decide what no rule settles. */
function decideCategory(verdict: RuleVerdict, model: TriageResult, map: Record<string, string>): { category: string; decidedBy: string } {
  if (verdict.category) return { category: verdict.category.label, decidedBy: `rule:${verdict.category.hits.join(',')}` };
  const mapped = map[model.category.label] ?? model.category.label;
  return { category: mapped || FALLBACK_CATEGORY, decidedBy: `model:${model.category.model}:${model.category.label}:${model.category.confidence}` };
}

/** The most urgent of the rule's and the model's priorities, with every reason that led there. */
function decidePriority(verdict: RuleVerdict, model: TriageResult): { priority: Priority; reasons: string[] } {
  const rule = verdict.priority;
  const priority = rule ? moreUrgent(rule.level, model.priority) : model.priority;
  const reasons = [...(rule ? [`${rule.reason}:${rule.hits.join(',')}`] : []), ...model.priorityReasons];
  return { priority, reasons: [...new Set(reasons.length ? reasons : ['default'])] };
}

export function createTriageActivities({ db, rules, modelCategories, models, defaultDepartment, slaPolicy, unassignedEscalationMs, kb }: TriageDeps) {
  async function priorComplaints(complaintId: string, customerId: string | undefined, atMs: number): Promise<number> {
    if (!customerId) return 0;
    const [row] = await db
      .select({ n: count() })
      .from(complaints)
      .where(and(eq(complaints.customerId, customerId), ne(complaints.id, complaintId), gte(complaints.createdAt, new Date(atMs - REPEAT_WINDOW_MS))));
    return Number(row?.n ?? 0);
  }

  return {
    /** Classifies the complaint (rules, then models), routes it to a department, and records it as triaged. */
    async triageComplaint(req: TriageRequest): Promise<TriageOutcome> {
      return classified(() => triage(req));
    },
  };

  async function triage(req: TriageRequest): Promise<TriageOutcome> {
    const text = [req.subject, req.body].filter(Boolean).join('\n');
    const verdict = rules.evaluate(text);
    const repeats = await priorComplaints(req.complaintId, req.customerId, Date.parse(req.at));
    const model = triageText(models, { subject: req.subject, body: req.body, customerTags: req.customerTags, priorComplaints: repeats });
    const { category, decidedBy } = decideCategory(verdict, model, modelCategories);
    const { priority, reasons } = decidePriority(verdict, model);
    const department = await departmentServing(db, category, defaultDepartment);
    // Decision support for the handler: articles and past resolutions, scored, kept on the complaint.
    const terms = complaintTerms(text);
    const suggestions = await kb.suggest({ id: req.complaintId, text, language: req.declaredLanguage ?? model.language, keywords: model.keywords, terms });
    // A department with its own calendar holds its complaints to its own working hours and holidays.
    const sla = department.calendar ? { ...slaPolicy, calendar: department.calendar } : slaPolicy;
    const outcome: TriageOutcome = {
      language: req.declaredLanguage ?? model.language,
      category,
      department: department.id,
      priority,
      priorityReasons: reasons,
      intent: model.intent.label,
      sentiment: { label: model.sentiment.label, score: model.sentiment.score },
      keywords: model.keywords,
      summary: model.summary,
      decidedBy,
      sla,
      unassignedEscalationMs,
    };
    // The clock starts at intake: its due dates go into the read model with this very step, so lists,
    // queues ("nearest deadline first") and the CSV have them as soon as GET does.
    const clock = { startedAtMs: Date.parse(req.receivedAt ?? req.at), pauses: [] };
    const slaView = slaSnapshot(sla, priority, category, clock, Date.parse(req.at), { breached: false, escalationLevel: 0 });
    await applyTransition(db, {
      complaintId: req.complaintId,
      seq: req.seq,
      wft: req.wft,
      status: 'triaged',
      sla: slaView,
      patch: {
        language: outcome.language,
        category,
        department: outcome.department,
        priority,
        priorityReasons: reasons,
        intent: outcome.intent,
        sentimentLabel: model.sentiment.label,
        sentimentScore: model.sentiment.score,
        keywords: outcome.keywords,
        summary: outcome.summary,
        searchTerms: terms,
        suggestions,
      },
      event: {
        type: 'triaged',
        actor: SYSTEM,
        at: req.at,
        data: { ...outcome, sla: resolveTargets(sla, priority, category), calendar: sla.calendar.timeZone, unassignedEscalationMs: undefined, intensity: model.sentiment.intensity, reason: model.reason, repeats, suggestions },
      },
    });
    return outcome;
  }
}
