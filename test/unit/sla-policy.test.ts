import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSlaPolicy, parseDuration } from '../../src/policy/sla-policy';

const H = 3_600_000;
const file = (text: string) => {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'sla-')), 'sla-policy.yml');
  writeFileSync(f, text);
  return f;
};
const base = `calendar: { timeZone: UTC, hours: { mon: ["09:00-17:00"] } }
priorities:
  P1: { firstResponse: 20s, resolution: 1m, businessHours: false }
  P2: { firstResponse: 4h, resolution: 1 business day }
  P3: { firstResponse: PT8H, resolution: 3bd }
  P4: { firstResponse: 1h30m, resolution: 5 business days }
`;

describe('SLA policy', () => {
  it('parses every duration form', () => {
    expect(parseDuration('90s')).toEqual({ ms: 90_000 });
    expect(parseDuration('1h30m')).toEqual({ ms: 1.5 * H });
    expect(parseDuration('PT4H')).toEqual({ ms: 4 * H });
    expect(parseDuration('P1DT2H')).toEqual({ ms: 26 * H });
    expect(parseDuration('3 business days')).toEqual({ businessDays: 3 });
    expect(parseDuration('4 hurs')).toBeUndefined();
  });

  it('ships valid defaults: P1 1 h / 4 h around the clock; P3 8 h / 3 business days of 9 h', () => {
    const p = loadSlaPolicy();
    expect(p.targetsFor('P1')).toMatchObject({ firstResponseMs: H, resolutionMs: 4 * H, businessHours: false, warningFraction: 0.8, level3Fraction: 0.5 });
    expect(p.targetsFor('P3')).toMatchObject({ firstResponseMs: 8 * H, resolutionMs: 27 * H, businessHours: true });
  });

  it('accepts second-level targets and applies category overrides', () => {
    const p = loadSlaPolicy(file(`${base}categories: { billing: { P2: { resolution: 2h } } }\n`));
    expect(p.targetsFor('P1')).toMatchObject({ firstResponseMs: 20_000, resolutionMs: 60_000 });
    expect(p.targetsFor('P2', 'billing').resolutionMs).toBe(2 * H);
    expect(p.targetsFor('P2').resolutionMs).toBe(8 * H); // one business day = the 8 h working day
  });

  it('names the file and the field of every mistake', () => {
    expect(() => loadSlaPolicy(file(base.replace('4h', '4 hurs')))).toThrow(/sla-policy\.yml: priorities\.P2\.firstResponse: "4 hurs" is not a duration/);
    expect(() => loadSlaPolicy(file(base.replace('UTC', 'Mars/Olympus')))).toThrow(/calendar\.timeZone: not an IANA time zone/);
    expect(() => loadSlaPolicy(file(base.replace('09:00-17:00', '17:00-09:00')))).toThrow(/calendar\.hours\.mon\.0/);
    expect(() => loadSlaPolicy(file(base.replace('mon: ["09:00-17:00"]', 'mon: []')))).toThrow(/no working hours/);
  });
});
