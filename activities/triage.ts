import { and, count, eq, gte, ne } from 'drizzle-orm';
import type { Db } from '../src/db/client';
import { applyTransition, type StepRef } from '../src/db/queries/complaints';
import { departmentServing, getDepartment } from '../src/db/queries/routing';
import { currentTaxonomyVersion, getTaxonomy, seedTaxonomy } from '../src/db/queries/taxonomy';
import { complaints } from '../src/db/schema';
import type { TriageModels } from '../src/nlp';
import type { Embedder } from '../src/nlp/embedding';
import type { Language } from '../src/shared/constants';
import { resolveTargets, slaSnapshot } from '../src/shared/sla-clock';
import type { SlaPolicy } from '../src/shared/sla-types';
import type { Actor, TriageOutcome } from '../src/shared/types';
import { decideTriage, predictTaxonomy, triageContext, type TriageContext } from '../src/triage/decide';
import { classified } from './failures';
import { taxonomyClassifier } from './taxonomy-learning';
import type { TriageRules } from '../src/triage/rules';
import type { Taxonomy } from '../src/taxonomy/taxonomy';
import { complaintTerms, type KnowledgeBase } from '../src/kb/knowledge-base';

export interface TriageDeps {
  db: Db;
  /** triage-rules.yml: risk rules and model label maps (compiled per taxonomy version). */
  triageRules: TriageRules;
  /** The taxonomy file: seeds version 1 if the database has none yet. */
  taxonomySeed: Taxonomy;
  /** Below this category confidence the complaint waits for a supervisor instead of being routed. */
  confidenceThreshold: number;
  models: TriageModels;
  /** The multilingual sentence encoder under the taxonomy classifier; without it, the category models decide. */
  embedder?: Embedder;
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

export function createTriageActivities({ db, triageRules, taxonomySeed, confidenceThreshold, models, embedder, defaultDepartment, slaPolicy, unassignedEscalationMs, kb }: TriageDeps) {
  let cached: TriageContext | undefined;
  // The taxonomy classifier and the text models with a dense head read the same complaint's vector: one run of the encoder.
  const encoder = embedder && rememberLastText(embedder);
  const classifierOf = encoder ? taxonomyClassifier(db, encoder) : undefined;
  /**
   * The taxonomy and classifier in force now: indexed reads per complaint for the taxonomy version and
   * the active classifier's name; the document, the compiled rules and the classifier only when either
   * changed. So a taxonomy saved through the API, or a classifier the learning loop (or an admin)
   * swapped in, applies to the next complaint on every worker, without a restart.
   */
  async function currentContext(): Promise<TriageContext> {
    let version = await currentTaxonomyVersion(db);
    if (version === undefined) {
      await seedTaxonomy(db, taxonomySeed);
      version = (await currentTaxonomyVersion(db))!;
    }
    const stale = cached?.taxonomyVersion !== version;
    const taxonomy = stale ? (await getTaxonomy(db, version))!.document : cached!.taxonomy;
    const classifier = classifierOf && (await classifierOf(version, taxonomy, cached?.classifier));
    if (stale || classifier?.name !== cached?.classifier?.name) cached = triageContext(triageRules, taxonomy, version, models, confidenceThreshold, classifier);
    return cached!;
  }

  /** The department the taxonomy names for the category (with its calendar); the default one if it is gone. */
  async function departmentOf(ctx: TriageContext, category: string) {
    const id = ctx.taxonomy.categories.find((c) => c.id === category)?.department;
    const row = id ? await getDepartment(db, id) : undefined;
    return row ?? (await departmentServing(db, category, defaultDepartment));
  }

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
    const ctx = await currentContext();
    const repeats = await priorComplaints(req.complaintId, req.customerId, Date.parse(req.at));
    const prediction = await predictTaxonomy(ctx, text);
    const embedding = encoder && (await encoder.embed([text]))[0];
    const decision = decideTriage(ctx, { subject: req.subject, body: req.body, customerTags: req.customerTags, priorComplaints: repeats, embedding }, prediction);
    const { category, decidedBy, priority, priorityReasons: reasons, model, needsHumanTriage, confidence } = decision;
    const department = await departmentOf(ctx, category);
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
      // The intent model's label only within its domain (banking, for English): elsewhere it is noise.
      intent: model.intent.inDomain ? model.intent.label : undefined,
      sentiment: { label: model.sentiment.label, score: model.sentiment.score },
      keywords: model.keywords,
      summary: model.summary,
      decidedBy,
      confidence,
      needsHumanTriage,
      taxonomyVersion: ctx.taxonomyVersion,
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
        categoryConfidence: confidence,
        needsHumanTriage,
        taxonomyVersion: ctx.taxonomyVersion,
        categoryModel: decidedBy.startsWith('fewshot:') ? prediction?.model : null,
        department: outcome.department,
        priority,
        priorityReasons: reasons,
        intent: outcome.intent ?? null,
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
        data: { ...outcome, sla: resolveTargets(sla, priority, category), calendar: sla.calendar.timeZone, unassignedEscalationMs: undefined, intensity: model.sentiment.intensity, reason: model.reason, repeats, suggestions, taxonomyModel: prediction },
      },
    });
    return outcome;
  }
}

/**
 * The encoder, remembering the vector of the last single text it embedded: the taxonomy classifier and
 * the text models ask for the same complaint's vector one after the other. Keyed by the text, so a
 * concurrent complaint can only miss the memo, never get another text's vector.
 */
function rememberLastText(inner: Embedder): Embedder {
  let last: { text: string; vector: Float32Array } | undefined;
  return {
    dimension: inner.dimension,
    async embed(texts) {
      const memo = last;
      if (texts.length === 1 && memo && memo.text === texts[0]) return [memo.vector];
      const vectors = await inner.embed(texts);
      if (texts.length === 1) last = { text: texts[0]!, vector: vectors[0]! };
      return vectors;
    },
    release: () => inner.release(),
  };
}
