import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { actionBodies, createComplaintBody, listComplaintsQuery, surveyAnswer } from '../../src/api/schemas/complaints';
import { CHANNELS, LANGUAGES } from '../../src/shared/constants';

// Text as customers write it: any Unicode, Chinese included, with surrounding blanks.
const text = (max: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }).filter((s) => s.trim().length > 0);
// Addresses as people have them (zod accepts the practical subset of RFC 5322, not quoted locals or IP domains).
const email = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]$/), fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/), fc.constantFrom('com', 'cn', 'org', 'co.uk'))
  .filter(([local]) => !local.includes('..'))
  .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);
const e164 = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.stringMatching(/^\d{6,14}$/)).map(([a, b]) => `+${a}${b}`);

const validComplaint = fc.record(
  {
    channel: fc.constantFrom(...CHANNELS),
    body: text(2000),
    subject: text(200),
    customer: fc.record({ id: text(50), email, phone: e164, language: fc.constantFrom(...LANGUAGES) }, { requiredKeys: [] }),
    externalRef: text(100),
    metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 100 }), { maxKeys: 10 }),
  },
  { requiredKeys: ['channel', 'body'] },
);

describe('input schemas, property-based', () => {
  it('accept every well-formed complaint and keep its content (trimmed)', () => {
    fc.assert(
      fc.property(validComplaint, (c) => {
        const r = createComplaintBody.safeParse(c);
        expect(r.success, JSON.stringify(r.error?.issues)).toBe(true);
        expect(r.data!.body).toBe(c.body.trim());
        expect(r.data!.channel).toBe(c.channel);
      }),
      { numRuns: 500 },
    );
  });

  it('never throw on arbitrary JSON, and whatever they accept satisfies the contract', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = createComplaintBody.safeParse(v);
        if (!r.success) return;
        expect(CHANNELS).toContain(r.data.channel);
        expect(r.data.body.trim().length).toBeGreaterThan(0);
        expect(r.data.body.length).toBeLessThanOrEqual(20_000);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuse a complaint with any required field broken, naming a path', () => {
    const breakIt = fc.constantFrom<(c: Record<string, unknown>) => Record<string, unknown>>(
      (c) => ({ ...c, body: '   ' }),
      (c) => ({ ...c, channel: 'fax' }),
      (c) => ({ ...c, customer: { phone: '13800138000' } }),
      (c) => ({ ...c, customer: { email: 'not-an-email' } }),
      (c) => ({ ...c, unexpected: true }),
      (c) => ({ ...c, body: 'x'.repeat(20_001) }),
    );
    fc.assert(
      fc.property(validComplaint, breakIt, (c, f) => {
        const r = createComplaintBody.safeParse(f(c));
        expect(r.success).toBe(false);
        expect(r.error!.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('survey answers: integers 1–5 only; list queries: limits in range or refused, never thrown', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const r = surveyAnswer.safeParse(v);
        if (r.success) expect([1, 2, 3, 4, 5]).toContain(r.data.score);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('limit', 'status', 'cursor', 'priority', 'channel', 'q'), fc.string({ maxLength: 30 })), (q) => {
        const r = listComplaintsQuery.safeParse(q);
        if (r.success) {
          expect(r.data.limit).toBeGreaterThanOrEqual(1);
          expect(r.data.limit).toBeLessThanOrEqual(200);
        }
      }),
      { numRuns: 1000 },
    );
    for (const schema of Object.values(actionBodies)) fc.assert(fc.property(fc.jsonValue(), (v) => void schema.safeParse(v)), { numRuns: 200 });
  });
});
