import { ApplicationFailure, CancelledFailure, CompleteAsyncError, Context } from '@temporalio/activity';

/** A failure type the workflow reads: the complaint's own data cannot be stored or processed. */
export const DATA_ERROR = 'DATA_ERROR';
/** A failure type the workflow reads: a step failed so often that retrying on is pointless. */
export const PROCESSING_FAILED = 'PROCESSING_FAILED';

/**
 * Attempts of a complaint's processing step before an error that is neither the data's fault nor an
 * outage gives up: with the workflow's retry policy (1 s, doubling) the fifth attempt runs about 15 s
 * after the first, so a complaint that keeps failing is parked well within a minute.
 */
export const ATTEMPTS_BEFORE_ATTENTION = 5;

// SQLSTATE classes that no retry can mend: 22 data exception (NUL, a lone surrogate in jsonb, a value
// out of range), 23 integrity constraint violation, 54 program limit exceeded (a word too long for a tsvector).
const DATA_CLASSES = new Set(['22', '23', '54']);
// Outages and contention: retried for as long as they last, as every database step always was.
const TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);
const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT']);

/** The SQLSTATE of a database error, looked for along its causes (drizzle wraps the driver's error). */
function sqlState(err: unknown): { code: string; message: string } | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return { code, message: e.message };
  }
  return undefined;
}

function isTransient(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (TRANSIENT_ERRNO.has(code) || (/^[0-9A-Z]{5}$/.test(code) && TRANSIENT_CLASSES.has(code.slice(0, 2))))) return true;
  }
  return false;
}

/**
 * What a complaint step's error means for its retries: a data error fails at once (non-retryable), an
 * outage is retried without limit, anything else is retried until ATTEMPTS_BEFORE_ATTENTION. The message
 * names the SQLSTATE and the server's words only: drizzle's own message lists the query's parameters,
 * which are the customer's name, address and complaint.
 */
export function classifyFailure(err: unknown, attempt: number): unknown {
  if (err instanceof ApplicationFailure) return err;
  const state = sqlState(err);
  const reason = state ? `${state.code}: ${redactMessage(state.message).slice(0, 200)}` : `${err instanceof Error ? err.name : 'Error'}`;
  if (state && DATA_CLASSES.has(state.code.slice(0, 2))) return ApplicationFailure.create({ type: DATA_ERROR, message: reason, nonRetryable: true });
  if (isTransient(err)) return err;
  if (attempt >= ATTEMPTS_BEFORE_ATTENTION) return ApplicationFailure.create({ type: PROCESSING_FAILED, message: `failed ${attempt} times, last: ${reason}`, nonRetryable: true });
  return err;
}

/** Runs a complaint step's body with its failure classified (see {@link classifyFailure}). */
export async function classified<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw classifyFailure(err, Context.current().info.attempt);
  }
}

// A value PostgreSQL quotes back in its message ('malformed array literal: "<the value>"').
const QUOTED_VALUE = /: "(?:[^"\\]|\\.)*"/g;

/**
 * A message without the customer's data: drizzle appends every parameter of the failed query
 * (names, addresses, phone numbers, complaint texts) and PostgreSQL quotes the offending value back.
 */
export const redactMessage = (message: string): string => message.replace(/\nparams: [\s\S]*$/, '\nparams: [redacted]').replace(QUOTED_VALUE, ': "[redacted]"');

/**
 * The error as it may be logged and kept in workflow histories: same name, SQLSTATE or errno code,
 * and stack frames, with the messages redacted along its causes. Our own ApplicationFailures carry
 * no customer data and pass as they are (their type and retryability are what the workflow reads),
 * as do the SDK's signals of cancellation and asynchronous completion, which it must recognise.
 */
export function redactedFailure(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || err instanceof ApplicationFailure || err instanceof CancelledFailure || err instanceof CompleteAsyncError || depth > 5) return err;
  const safe = new Error(redactMessage(err.message), err.cause === undefined ? undefined : { cause: redactedFailure(err.cause, depth + 1) });
  safe.name = err.name;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(safe, { code });
  safe.stack = `${err.name}: ${safe.message}\n${(err.stack ?? '').split('\n').filter((l) => l.trimStart().startsWith('at ')).join('\n')}`;
  return safe;
}

/** Activities whose failures leave no customer data in the worker's logs or in workflow histories. */
export function withRedactedFailures<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw redactedFailure(err);
      }
    };
  }
  return wrapped as T;
}
