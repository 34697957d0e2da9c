import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ATTEMPTS_BEFORE_ATTENTION, classifyFailure, DATA_ERROR, PROCESSING_FAILED, redactedFailure } from '../../activities/failures';
import { searchTerms } from '../../src/kb/terms';
import { isBlank, MAX_TERM_LENGTH, storable, unstorable } from '../../src/shared/text-safety';

/** A database error as drizzle throws it: the driver's error, with its SQLSTATE, as the cause. */
const dbError = (code: string, message: string): Error => Object.assign(new Error('Failed query: insert ... params: Jane Doe,jane@example.com'), { cause: Object.assign(new Error(message), { code }) });

describe('text the database can store (issue 20 item 2a)', () => {
  it('names NUL and lone surrogates, and accepts paired ones', () => {
    expect(unstorable('a\u0000b')).toMatch(/NUL/);
    expect(unstorable('\ud800')).toMatch(/surrogate/);
    expect(unstorable('x\udfff')).toMatch(/surrogate/);
    expect(unstorable('\udc00\ud800')).toMatch(/surrogate/);
    expect(unstorable('emoji \ud83d\ude00 投诉')).toBeUndefined();
  });

  it('makes any text storable as it reads', () => {
    expect(storable('a\ud800b\u0000c\ud83d\ude00')).toBe('a\ufffdbc\ud83d\ude00');
  });

  it('treats invisible characters as blank', () => {
    for (const s of ['', ' ', '\u200b\u3000', '\ufeff\u2060\n\t', '\u00a0\u200d']) expect(isBlank(s), JSON.stringify(s)).toBe(true);
    for (const s of ['a', '\u200b退', '\ud83d\ude00']) expect(isBlank(s), JSON.stringify(s)).toBe(false);
  });

  it('leaves over-long words out of the search terms (PostgreSQL refuses a lexeme over 2,047 bytes)', () => {
    // 'xxxx' runs are masked as redactions already; any other letters make one 20,000-character word.
    const terms = searchTerms(`refund ${'ab'.repeat(10_000)} ${'退'.repeat(3_000)}`);
    expect(terms).toContain('refund');
    expect(Math.max(...terms.map((t) => t.length))).toBeLessThanOrEqual(MAX_TERM_LENGTH + 1);
  });
});

describe('failures that cannot succeed (issue 20 item 2b)', () => {
  it('makes data errors (SQLSTATE 22, 23, 54) non-retryable at once, naming no parameter', () => {
    for (const code of ['22P02', '22021', '23505', '54000']) {
      const f = classifyFailure(dbError(code, 'invalid input'), 1);
      expect(f).toBeInstanceOf(ApplicationFailure);
      expect(f).toMatchObject({ type: DATA_ERROR, nonRetryable: true });
      expect((f as Error).message).not.toMatch(/Jane|jane@/);
    }
  });

  it('keeps outages retryable however long they last', () => {
    for (const err of [dbError('08006', 'connection failure'), dbError('57P01', 'admin shutdown'), Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })]) {
      expect(classifyFailure(err, 1000)).toBe(err);
    }
  });

  it('gives up on any other error after a bounded number of attempts', () => {
    const err = new Error('the model crashed');
    expect(classifyFailure(err, ATTEMPTS_BEFORE_ATTENTION - 1)).toBe(err);
    expect(classifyFailure(err, ATTEMPTS_BEFORE_ATTENTION)).toMatchObject({ type: PROCESSING_FAILED, nonRetryable: true });
  });
});

describe('failures as logged (issue 20 item 3)', () => {
  it('keep name, code and frames, and lose the query parameters and quoted values along the causes', () => {
    const err = Object.assign(new Error('Failed query: insert into "complaints" ("customer_name") values ($1)\nparams: Jane Doe,jane@example.com,+15550001111'), {
      name: 'DrizzleQueryError',
      cause: Object.assign(new Error('malformed array literal: "Jane Doe wrote this"'), { code: '22P02' }),
    });
    const safe = redactedFailure(err) as Error & { cause: Error & { code: string } };
    expect(safe.name).toBe('DrizzleQueryError');
    expect(safe.message).toBe('Failed query: insert into "complaints" ("customer_name") values ($1)\nparams: [redacted]');
    expect(safe.cause.message).toBe('malformed array literal: "[redacted]"');
    expect(safe.cause.code).toBe('22P02');
    expect(`${safe.stack} ${safe.cause.stack}`).not.toMatch(/Jane|jane@|5550001111/);
  });
});
