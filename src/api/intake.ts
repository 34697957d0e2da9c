import { complaintWorkflowId } from '../shared/constants';
import type { Actor, ComplaintWorkflowInput } from '../shared/types';
import { getComplaint } from '../db/queries/complaints';
import type { Db } from '../db/client';
import { derivedComplaintId, newComplaintId } from './complaint-ids';
import type { Engine } from './engine';
import { AppError, RETRY_AFTER_UNAVAILABLE } from './errors';
import { createComplaintBody, type CreateComplaintBody } from './schemas/complaints';

export interface IntakeDeps {
  db: Db;
  engine: Engine;
  /** Resolves when the database answers; intake refuses (503) rather than start what it cannot record. */
  pingDb: () => Promise<void>;
  complaintsAccepted: { inc(labels: { channel: string; outcome: string }): void };
  /** Keys the derivation of complaint ids (ID_SECRET). */
  idSecret: string;
}

export interface IntakeResult {
  id: string;
  /** False when this was a repeat of an earlier submission (same key or channel reference). */
  created: boolean;
  status: string;
  workflowId: string;
}

function workflowInput(id: string, body: CreateComplaintBody, actor: Actor): ComplaintWorkflowInput {
  return {
    id,
    channel: body.channel,
    body: body.body,
    subject: body.subject,
    customer: body.customer,
    externalRef: body.externalRef,
    occurredAt: body.occurredAt,
    metadata: body.metadata,
    submittedBy: actor,
    receivedAt: new Date().toISOString(),
  };
}

/**
 * Every channel's complaint meets the limits of POST /v1/complaints (body 20,000 characters, subject 500,
 * customer fields, metadata): email, SMS, voice and webhooks build the body themselves, and a raw email
 * would otherwise be stored whole, however long.
 */
function withinLimits(body: CreateComplaintBody): CreateComplaintBody {
  const r = createComplaintBody.safeParse(body);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ path: ['body', ...i.path].join('.'), message: i.message }));
  throw new AppError('VALIDATION_FAILED', `The complaint this message would open is invalid: ${details.map((d) => `${d.path} ${d.message}`).join('; ')}`, details);
}

/**
 * The one intake every channel goes through: HTTP, email, SMS, voice and webhooks. The complaint id is
 * derived from the idempotency key or the channel's own message id, so a redelivered message finds the
 * complaint it already opened instead of opening a second one.
 */
export function createIntake({ db, engine, pingDb, complaintsAccepted, idSecret }: IntakeDeps) {
  return async function submit(given: CreateComplaintBody, actor: Actor, idempotencyKey?: string): Promise<IntakeResult> {
    const body = withinLimits(given);
    const id = derivedComplaintId(idSecret, actor.subject, idempotencyKey, body.channel, body.externalRef) ?? newComplaintId();
    try {
      await pingDb();
    } catch {
      throw new AppError('DATABASE_UNAVAILABLE', undefined, [], RETRY_AFTER_UNAVAILABLE);
    }
    const created = await engine.start(workflowInput(id, body, actor));
    complaintsAccepted.inc({ channel: body.channel, outcome: created ? 'created' : 'repeat' });
    const status = created ? 'received' : ((await getComplaint(db, id))?.status ?? (await engine.state(id))?.status ?? 'received');
    return { id, created, status, workflowId: complaintWorkflowId(id) };
  };
}

export type Intake = ReturnType<typeof createIntake>;
