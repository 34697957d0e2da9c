import { createHmac } from 'node:crypto';
import { complaintWorkflowId } from '../shared/constants';
import type { Actor, ComplaintWorkflowInput } from '../shared/types';
import { getComplaint } from '../db/queries/complaints';
import type { Db } from '../db/client';
import { derivedComplaintId, newComplaintId } from './complaint-ids';
import type { Engine } from './engine';
import { AppError, RETRY_AFTER_UNAVAILABLE, type ErrorDetail } from './errors';
import { isBlank, storable, unstorable } from '../shared/text-safety';
import { createComplaintBody, type CreateComplaintBody } from './schemas/complaints';

export interface IntakeDeps {
  db: Db;
  engine: Engine;
  /** Resolves when the database answers; intake refuses (503) rather than start what it cannot record. */
  pingDb: () => Promise<void>;
  complaintsAccepted: { inc(labels: { channel: string; outcome: string }): void };
  /** Keys the derivation of complaint ids (ID_SECRET). */
  idSecret: string;
  /** REOPEN_WINDOW_DAYS: the workflow keeps a closed complaint reopenable this long. */
  reopenWindowMs?: number;
}

export interface IntakeResult {
  id: string;
  /** False when this was a repeat of an earlier submission (same key or channel reference). */
  created: boolean;
  status: string;
  workflowId: string;
}

function workflowInput(id: string, body: CreateComplaintBody, actor: Actor, requestHash: string | undefined, reopenWindowMs: number | undefined): ComplaintWorkflowInput {
  return {
    ...(reopenWindowMs === undefined ? {} : { reopenWindowMs }),
    requestHash,
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

/** Sorted keys at every level, so two equal requests serialise alike whatever order their keys came in. */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The request's fingerprint: an HMAC (under ID_SECRET) of its canonical form, so it reveals nothing of the text. */
export const hashRequest = (secret: string, body: CreateComplaintBody): string => createHmac('sha256', secret).update(`request\u0000${canonicalJson(body)}`).digest('base64url');

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
export function createIntake({ db, engine, pingDb, complaintsAccepted, idSecret, reopenWindowMs }: IntakeDeps) {
  return async function submit(given: CreateComplaintBody, actor: Actor, idempotencyKey?: string): Promise<IntakeResult> {
    const body = withinLimits(given);
    const problems = unprocessable(body);
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', `Invalid body: ${[...new Set(problems.map((p) => p.path))].join(', ')}`, problems);
    const id = derivedComplaintId(idSecret, actor.subject, idempotencyKey, body.channel, body.externalRef) ?? newComplaintId();
    try {
      await pingDb();
    } catch {
      throw new AppError('DATABASE_UNAVAILABLE', undefined, [], RETRY_AFTER_UNAVAILABLE);
    }
    const requestHash = idempotencyKey ? hashRequest(idSecret, body) : undefined;
    const created = await engine.start(workflowInput(id, body, actor, requestHash, reopenWindowMs));
    if (created) {
      complaintsAccepted.inc({ channel: body.channel, outcome: 'created' });
      return { id, created, status: 'received', workflowId: complaintWorkflowId(id) };
    }
    const row = await getComplaint(db, id);
    // Before the first write lands the workflow's own copy of the input answers.
    const live = row ? undefined : await engine.state(id);
    const stored = row ? row.requestHash : live?.input?.requestHash;
    // Complaints opened before hashes were kept (or erased since) have none: they answer as before.
    if (requestHash && stored && stored !== requestHash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', `The Idempotency-Key was first used with a different request, which opened complaint ${id}; use a new key for a new complaint.`, [{ path: 'headers.idempotency-key', message: 'already used with a different body', complaintId: id }]);
    }
    complaintsAccepted.inc({ channel: body.channel, outcome: 'repeat' });
    return { id, created, status: row?.status ?? live?.status ?? 'received', workflowId: complaintWorkflowId(id) };
  };
}

export type Intake = ReturnType<typeof createIntake>;
