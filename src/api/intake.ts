import { complaintWorkflowId } from '../shared/constants';
import type { Actor, ComplaintWorkflowInput } from '../shared/types';
import { getComplaint } from '../db/queries/complaints';
import type { Db } from '../db/client';
import { derivedComplaintId, newComplaintId } from './complaint-ids';
import type { Engine } from './engine';
import { AppError, RETRY_AFTER_UNAVAILABLE, type ErrorDetail } from './errors';
import { isBlank, storable, unstorable } from '../shared/text-safety';
import type { CreateComplaintBody } from './schemas/complaints';

export interface IntakeDeps {
  db: Db;
  engine: Engine;
  /** Resolves when the database answers; intake refuses (503) rather than start what it cannot record. */
  pingDb: () => Promise<void>;
  complaintsAccepted: { inc(labels: { channel: string; outcome: string }): void };
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
 * What in a complaint could never be stored or processed: a 2xx must mean the complaint will get through
 * triage, so such text is refused here, before the workflow starts, on every channel alike.
 */
export function unprocessable(body: CreateComplaintBody): ErrorDetail[] {
  const fields: Array<[string, string | undefined]> = [
    ['body.body', body.body],
    ['body.subject', body.subject],
    ['body.externalRef', body.externalRef],
    ...Object.entries(body.customer).map(([k, v]): [string, string | undefined] => [`body.customer.${k}`, v]),
    ...Object.entries(body.metadata).flatMap(([k, v]): Array<[string, string]> => [
      [`body.metadata`, k],
      [`body.metadata.${k}`, v],
    ]),
  ];
  const details: ErrorDetail[] = [];
  for (const [path, value] of fields) {
    const problem = value === undefined ? undefined : unstorable(value);
    if (problem) details.push({ path: storable(path), message: problem });
  }
  if (isBlank(body.body)) details.push({ path: 'body.body', message: 'must not be empty or only invisible characters' });
  return details;
}

/**
 * The one intake every channel goes through: HTTP, email, SMS, voice and webhooks. The complaint id is
 * derived from the idempotency key or the channel's own message id, so a redelivered message finds the
 * complaint it already opened instead of opening a second one.
 */
export function createIntake({ db, engine, pingDb, complaintsAccepted }: IntakeDeps) {
  return async function submit(body: CreateComplaintBody, actor: Actor, idempotencyKey?: string): Promise<IntakeResult> {
    const problems = unprocessable(body);
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', `Invalid body: ${[...new Set(problems.map((p) => p.path))].join(', ')}`, problems);
    const id = derivedComplaintId(actor.subject, idempotencyKey, body.channel, body.externalRef) ?? newComplaintId();
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
