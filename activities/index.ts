import type { Db } from '../src/db/client';
import type { SlaPolicy } from '../src/shared/sla-types';
import type { TriageModels } from '../src/nlp';
import type { Embedder } from '../src/nlp/embedding';
import type { OutboxNudge } from '../src/notify/deliver';
import type { TriageRules } from '../src/triage/rules';
import type { Taxonomy } from '../src/taxonomy/taxonomy';
import type { KnowledgeBase } from '../src/kb/knowledge-base';
import { createAssignActivities } from './assign';
import { createAuditActivities } from './audit';
import { createDetectorActivities } from './detector';
import { withRedactedFailures } from './failures';
import { createKbActivities } from './kb';
import { createLifecycleActivities } from './lifecycle';
import { createNotifyActivities } from './notify';
import { createPersistActivities } from './persist';
import { createRetentionActivities } from './retention';
import { createRoutingActivities } from './routing';
import { createSurveyActivities } from './survey';
import { createLearningActivities } from './taxonomy-learning';
import { createTriageActivities } from './triage';

/** Everything activities need, built once by the worker and injected (tests build their own). */
export interface ActivityDeps {
  db: Db;
  /** triage-rules.yml, compiled by triage per taxonomy version. */
  triageRules: TriageRules;
  /** The taxonomy file: version 1 when the database has none. */
  taxonomySeed: Taxonomy;
  /** TRIAGE_CONFIDENCE_THRESHOLD. */
  confidenceThreshold: number;
  /** The trained classifiers, loaded once at worker start. */
  models: TriageModels;
  /** The multilingual sentence encoder, loaded once at worker start: the taxonomy classifier's input. */
  embedder?: Embedder;
  defaultDepartment: string;
  slaPolicy: SlaPolicy;
  surveySecret: string;
  /** Where survey links point: the API as customers reach it. */
  publicBaseUrl: string;
  unassignedEscalationMs: number;
  /**
   * The outbox relay of the worker's process (email over SMTP_URL, SMS and survey calls over Twilio).
   * Activities only queue messages and nudge it: no step waits on a send.
   */
  outbox: OutboxNudge;
  /** Knowledge base: suggestions at triage, drafts learnt from well-rated resolutions. */
  kb: KnowledgeBase;
  /** Nudges waiting complaints' workflows (a Temporal client's signal, injected by the worker). */
  wakeComplaints: (ids: string[]) => Promise<void>;
}

/**
 * All activities of the complaint workflow, over injected dependencies. Their failures are redacted:
 * the worker logs every failed attempt, and a failure's message is kept in the workflow's history.
 */
export function createActivities(deps: ActivityDeps) {
  return withRedactedFailures({
    ...createPersistActivities(deps),
    ...createTriageActivities(deps),
    ...createAssignActivities(deps),
    ...createLifecycleActivities(deps),
    ...createNotifyActivities(deps),
    ...createSurveyActivities(deps),
    ...createRoutingActivities(deps),
    ...createRetentionActivities(deps),
    ...createDetectorActivities(deps),
    ...createKbActivities(deps),
    ...createLearningActivities(deps),
    ...createAuditActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
