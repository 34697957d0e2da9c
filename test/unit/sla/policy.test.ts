import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA_POLICY_FILE, DEFAULT_SLA_TARGETS, loadSlaPolicy, parseDuration, parseSlaPolicy } from '../../../src/sla/policy';
import { H, M, S } from './fixtures';

const file = (name: string, text: string): string => {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'sla-policy-')), name);
  writeFileSync(f, text);
  return f;
};

const MINIMAL = 'calendar: { timeZone: Asia/Shanghai }\n';
const parse = (text: string) => parseSlaPolicy(text, 'sla-policy.yml');

describe('durations', () => {
  it.each([
    ['90s', { ms: 90 * S }],
    ['30s', { ms: 30 * S }],
    ['15m', { ms: 15 * M }],
    ['4h', { ms: 4 * H }],
    ['1d', { ms: 24 * H }],
    ['1w', { ms: 168 * H }],
    ['1h30m', { ms: 90 * M }],
    ['1h 30m 15s', { ms: 90 * M + 15 * S }],
    ['1 hour 30 minutes', { ms: 90 * M }],
    ['2 days', { ms: 48 * H }],
    ['1.5h', { ms: 90 * M }],
    ['PT4H', { ms: 4 * H }],
    ['pt90s', { ms: 90 * S }],
    ['PT1H30M', { ms: 90 * M }],
    ['P1DT2H', { ms: 26 * H }],
    ['P1W', { ms: 168 * H }],
    ['1 business day', { businessDays: 1 }],
    ['3 business days', { businessDays: 3 }],
    ['3bd', { businessDays: 3 }],
    ['5 BD', { businessDays: 5 }],
    ['2 working days', { businessDays: 2 }],
    [' 4h ', { ms: 4 * H }],
  ])('%s', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected);
  });

  it.each(['4 hurs', '', 'h', '4', 'P', 'PT', 'P1M', 'P1Y', '1h30', 'soon', '4h and more', '-4h', '1bd4h'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('the shipped policy file', () => {
  const p = loadSlaPolicy();

  it('is the default and holds issue 3 defaults', () => {
    expect(path.basename(DEFAULT_SLA_POLICY_FILE)).toBe('sla-policy.yml');
    expect(p.source).toBe('sla-policy.yml');
    expect(p.priorities).toEqual(DEFAULT_SLA_TARGETS);
    expect(p.priorities.P1).toEqual({ firstResponse: { ms: 1 * H }, resolution: { ms: 4 * H }, businessHours: false });
    expect(p.priorities.P2).toEqual({ firstResponse: { ms: 4 * H }, resolution: { businessDays: 1 }, businessHours: true });
    expect(p.priorities.P3).toEqual({ firstResponse: { ms: 8 * H }, resolution: { businessDays: 3 }, businessHours: true });
    expect(p.priorities.P4).toEqual({ firstResponse: { ms: 24 * H }, resolution: { businessDays: 5 }, businessHours: true });
    expect(p.warningThreshold).toBe(0.8);
    expect(p.level3After).toBe(0.5);
  });

  it('has a Mon–Fri 09:00–18:00 calendar in Asia/Shanghai with example holidays', () => {
    expect(p.calendar.timeZone).toBe('Asia/Shanghai');
    expect(p.calendar.week).toEqual([[], [[540, 1080]], [[540, 1080]], [[540, 1080]], [[540, 1080]], [[540, 1080]], []]);
    expect(p.calendar.exceptions['2026-10-01']).toEqual({ hours: [] });
    expect(p.categories).toEqual({});
  });

  it('is JSON-serialisable', () => {
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe('parsing a policy', () => {
  it('fills every omitted setting from the defaults; only the time zone is required', () => {
    const p = parse(MINIMAL);
    expect(p.priorities).toEqual(DEFAULT_SLA_TARGETS);
    expect(p.calendar.week[1]).toEqual([[540, 1080]]);
    expect(p.calendar.week[0]).toEqual([]);
    expect(p.warningThreshold).toBe(0.8);
    expect(p.level3After).toBe(0.5);
  });

  it('merges a partly written priority with its defaults', () => {
    const p = parse(`${MINIMAL}priorities:\n  P2: { resolution: 2h }\n`);
    expect(p.priorities.P2).toEqual({ firstResponse: { ms: 4 * H }, resolution: { ms: 2 * H }, businessHours: true });
  });

  it('reads JSON too', () => {
    const p = parseSlaPolicy(JSON.stringify({ warningThreshold: 0.75, calendar: { timeZone: 'Europe/London' }, priorities: { P1: { firstResponse: '30m' } } }), 'sla.json');
    expect(p.warningThreshold).toBe(0.75);
    expect(p.priorities.P1.firstResponse).toEqual({ ms: 30 * M });
    expect(p.source).toBe('sla.json');
  });

  it('reads lunch breaks, closed days, named holidays, half days and make-up working days', () => {
    const p = parse(`
calendar:
  timeZone: America/New_York
  hours:
    mon: ["13:00-18:00", "09:00-12:00"]
    tue: "09:00 - 17:30"
    wed: closed
    thu: ["08:00-12:00", "12:00-16:00"]
    fri: ["22:00-24:00"]
  holidays:
    - 2026-01-01
    - { date: 2026-07-03, name: Independence Day (observed) }
    - { date: "2026-12-24", name: Christmas Eve, hours: ["09:00-13:00"] }
    - { date: 2026-03-07, name: Stock-take Saturday, hours: "10:00-14:00" }
`);
    expect(p.calendar.week).toEqual([[], [[540, 720], [780, 1080]], [[540, 1050]], [], [[480, 720], [720, 960]], [[1320, 1440]], []]);
    expect(p.calendar.exceptions).toEqual({
      '2026-01-01': { hours: [] },
      '2026-07-03': { name: 'Independence Day (observed)', hours: [] },
      '2026-12-24': { name: 'Christmas Eve', hours: [[540, 780]] },
      '2026-03-07': { name: 'Stock-take Saturday', hours: [[600, 840]] },
    });
  });

  it('keeps only the written fields of a category override', () => {
    const p = parse(`${MINIMAL}categories:\n  billing:\n    P2: { resolution: 8h }\n    P1: { businessHours: true, resolution: 2bd }\n`);
    expect(p.categories).toEqual({ billing: { P2: { resolution: { ms: 8 * H } }, P1: { businessHours: true, resolution: { businessDays: 2 } } } });
  });
});

describe('invalid policy files name the file and the field', () => {
  it.each([
    ['an unknown duration', `${MINIMAL}priorities:\n  P2: { resolution: 4 hurs }\n`, /^sla-policy\.yml: priorities\.P2\.resolution: "4 hurs" is not a duration/],
    ['a number without a unit', `${MINIMAL}priorities:\n  P1: { firstResponse: 3600 }\n`, /priorities\.P1\.firstResponse: 3600 has no unit/],
    ['fractional business days', `${MINIMAL}priorities:\n  P3: { resolution: 1.5bd }\n`, /priorities\.P3\.resolution: "1\.5bd": business days must be a whole number/],
    ['zero business days', `${MINIMAL}priorities:\n  P3: { resolution: 0bd }\n`, /priorities\.P3\.resolution: "0bd": business days must be between 1/],
    ['a zero duration', `${MINIMAL}priorities:\n  P2: { firstResponse: 0s }\n`, /priorities\.P2\.firstResponse: "0s" is shorter than one second/],
    ['a duration over a year', `${MINIMAL}priorities:\n  P4: { firstResponse: 400d }\n`, /priorities\.P4\.firstResponse: "400d" is longer than a year/],
    ['a non-boolean businessHours', `${MINIMAL}priorities:\n  P2: { businessHours: sometimes }\n`, /priorities\.P2\.businessHours: /],
    ['an unknown priority', `${MINIMAL}priorities:\n  P5: { firstResponse: 1h }\n`, /priorities: Unrecognized key: "P5"/],
    ['a misspelt target', `${MINIMAL}priorities:\n  P2: { firstRespons: 1h }\n`, /priorities\.P2: Unrecognized key: "firstRespons"/],
    ['a misspelt top-level key', `${MINIMAL}warnThreshold: 0.8\n`, /sla-policy\.yml: \(root\): Unrecognized key: "warnThreshold"/],
    ['a warning threshold that is not a fraction', `${MINIMAL}warningThreshold: 80\n`, /warningThreshold: must be a fraction between 0 and 1/],
    ['a negative level-3 fraction', `${MINIMAL}level3After: -1\n`, /level3After: must be a fraction of the resolution target/],
    ['no calendar', 'priorities: {}\n', /sla-policy\.yml: calendar: is required/],
    ['no time zone', 'calendar: { hours: { mon: ["09:00-18:00"] } }\n', /calendar\.timeZone: is required/],
    ['an unknown time zone', 'calendar: { timeZone: Mars/Olympus }\n', /calendar\.timeZone: "Mars\/Olympus" is not an IANA time zone/],
    ['badly written hours', 'calendar: { timeZone: UTC, hours: { mon: ["9-18"] } }\n', /calendar\.hours\.mon\.0: "9-18" is not working hours like "09:00-18:00"/],
    ['an interval ending before it starts', 'calendar: { timeZone: UTC, hours: { tue: ["18:00-09:00"] } }\n', /calendar\.hours\.tue\.0: "18:00-09:00": the end must be after the start/],
    ['an impossible time', 'calendar: { timeZone: UTC, hours: { tue: ["09:00-24:30"] } }\n', /calendar\.hours\.tue\.0: /],
    ['overlapping intervals', 'calendar: { timeZone: UTC, hours: { wed: ["09:00-13:00", "12:00-18:00"] } }\n', /calendar\.hours\.wed: working intervals overlap/],
    ['an unknown weekday', 'calendar: { timeZone: UTC, hours: { monday: ["09:00-18:00"] } }\n', /calendar\.hours: Unrecognized key: "monday"/],
    ['a week without working hours', 'calendar: { timeZone: UTC, hours: { mon: [] } }\n', /calendar\.hours: no working hours on any day of the week/],
    ['an impossible holiday date', 'calendar: { timeZone: UTC, holidays: [2026-01-01, 2026-02-30] }\n', /calendar\.holidays\.1\.date: "2026-02-30" is not a date/],
    ['a holiday listed twice', 'calendar: { timeZone: UTC, holidays: [2026-01-01, { date: 2026-01-01, name: again }] }\n', /calendar\.holidays\.1\.date: 2026-01-01 is listed twice/],
    ['bad half-day hours', 'calendar: { timeZone: UTC, holidays: [{ date: 2026-12-24, hours: [morning] }] }\n', /calendar\.holidays\.0\.hours\.0: "morning" is not working hours/],
    ['a bad category override', `${MINIMAL}categories:\n  billing:\n    P2: { resolution: tomorrow }\n`, /categories\.billing\.P2\.resolution: "tomorrow" is not a duration/],
    ['business days around the clock', `${MINIMAL}priorities:\n  P1: { resolution: 1bd }\n`, /priorities\.P1\.resolution: resolution counts business days, but P1 runs around the clock/],
    ['around the clock with inherited business days', `${MINIMAL}priorities:\n  P2: { businessHours: false }\n`, /priorities\.P2\.businessHours: resolution counts business days/],
    ['a category turning business days around the clock', `${MINIMAL}categories:\n  vip:\n    P3: { businessHours: false }\n`, /categories\.vip\.P3\.businessHours: resolution counts business days/],
    ['a category giving P1 business days', `${MINIMAL}categories:\n  vip:\n    P1: { resolution: 2bd }\n`, /categories\.vip\.P1\.resolution: resolution counts business days, but P1 runs around the clock/],
    ['a target a sparse calendar cannot reach', 'calendar: { timeZone: UTC, hours: { mon: ["09:00-10:00"] } }\npriorities:\n  P4: { firstResponse: 8000h }\n', /priorities\.P4\.firstResponse: with level 3 at \+50%, this target needs more than 20 years/],
    ['a reserved category label', `${MINIMAL}categories:\n  constructor:\n    P2: { resolution: 8h }\n`, /categories\.constructor: "constructor" cannot be a category label/],
    ['an empty category label', `${MINIMAL}categories:\n  "": { P2: { resolution: 8h } }\n`, /categories\.: "" cannot be a category label/],
    ['broken YAML', 'calendar: [1\n', /^sla-policy\.yml: not valid YAML or JSON/],
    ['a list instead of a mapping', '- 1\n- 2\n', /sla-policy\.yml: \(root\): /],
  ])('%s', (_what, text, message) => {
    expect(() => parse(text)).toThrow(message);
  });

  it('reports every mistake at once, one line each', () => {
    const text = 'calendar: { timeZone: Mars/Olympus }\npriorities:\n  P2: { resolution: 4 hurs }\nwarningThreshold: 2\n';
    let message = '';
    try {
      parse(text);
    } catch (err) {
      message = (err as Error).message;
    }
    const lines = message.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.startsWith('sla-policy.yml: '))).toBe(true);
    expect(message).toMatch(/calendar\.timeZone/);
    expect(message).toMatch(/priorities\.P2\.resolution/);
    expect(message).toMatch(/warningThreshold/);
  });
});

describe('loading a policy file', () => {
  it('loads YAML from SLA_POLICY_FILE-style paths', () => {
    const p = loadSlaPolicy(file('tiny.yml', `calendar: { timeZone: UTC }\npriorities:\n  P2: { firstResponse: 20s, resolution: 40s, businessHours: false }\n`));
    expect(p.priorities.P2).toEqual({ firstResponse: { ms: 20 * S }, resolution: { ms: 40 * S }, businessHours: false });
    expect(p.source).toBe('tiny.yml');
  });

  it('names the file in validation errors', () => {
    expect(() => loadSlaPolicy(file('ops-sla.yml', `${MINIMAL}priorities:\n  P2: { resolution: 4 hurs }\n`))).toThrow(/^ops-sla\.yml: priorities\.P2\.resolution: "4 hurs" is not a duration/);
  });

  it('names the path of a missing file', () => {
    expect(() => loadSlaPolicy('/nonexistent/sla.yml')).toThrow(/^\/nonexistent\/sla\.yml: cannot read the SLA policy/);
  });
});
