import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRoutingFile } from '../../src/routing/routing-file';
import { loadTaxonomyFile } from '../../src/taxonomy/taxonomy';

const write = (name: string, text: string): string => {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'tax-')), name);
  writeFileSync(f, text);
  return f;
};

// Pinned by hand (issue 19): the shipped general complaint taxonomy.
const IDS = ['billing', 'refunds', 'delivery', 'product_quality', 'safety_hazard', 'service_attitude', 'account_access', 'fraud_security', 'technical_fault', 'privacy', 'other'];
const CJK = /[\u4e00-\u9fff]/;

describe('the shipped taxonomy (src/defaults/taxonomy.yml)', () => {
  const t = loadTaxonomyFile();

  it('has exactly the eleven categories, each with names, a description and 8-20 examples in both languages', () => {
    expect(t.categories.map((c) => c.id)).toEqual(IDS);
    expect(t.fallbackCategory).toBe('other');
    for (const c of t.categories) {
      expect(c.examples.length, c.id).toBeGreaterThanOrEqual(8);
      expect(c.examples.length, c.id).toBeLessThanOrEqual(20);
      expect(c.examples.some((e) => CJK.test(e)), `${c.id} has a Chinese example`).toBe(true);
      expect(c.examples.some((e) => !CJK.test(e)), `${c.id} has an English example`).toBe(true);
      expect(CJK.test(c.name.zh) && c.name.en.length > 0 && c.description.length > 20, c.id).toBe(true);
    }
  });

  it('is the one source of category → department: each names a department of the shipped routing whose handlers take it in both languages', () => {
    const routing = loadRoutingFile();
    for (const c of t.categories) {
      expect(routing.departments.map((d) => d.id), c.id).toContain(c.department);
      const takers = routing.handlers.filter((h) => h.department === c.department && h.active && h.skills.includes(c.id));
      expect(takers.length, `${c.id}: handlers of ${c.department} with the skill`).toBeGreaterThan(0);
      expect(new Set(takers.flatMap((h) => h.languages)), c.id).toEqual(new Set(['en', 'zh']));
    }
    // routing.yml's departments no longer list categories: a second mapping could disagree with this one.
    expect(routing.departments.every((d) => d.categories === undefined)).toBe(true);
  });

  it('a routing file whose departments still list categories is refused, saying where the mapping lives', () => {
    const f = write('routing.yml', 'defaultDepartment: care\ndepartments:\n  - { id: care, name: Care, categories: [billing] }\n');
    expect(() => loadRoutingFile(f)).toThrow(/routing\.yml: departments\.0\.categories: departments no longer list categories.*TAXONOMY_FILE/);
  });

  it('a bad taxonomy file names the file and the field', () => {
    const cat = (id: string, extra = '') => `  - { id: ${id}, name: { en: A, zh: 甲 }, department: care, description: d, examples: [x]${extra} }\n`;
    const cases: Array<[string, RegExp]> = [
      [`fallbackCategory: other\ncategories:\n${cat('billing')}`, /taxonomy\.yml: fallbackCategory: no category "other"/],
      [`fallbackCategory: a\ncategories:\n${cat('a')}${cat('a')}`, /taxonomy\.yml: categories\.1\.id: duplicate category "a"/],
      [`fallbackCategory: a\ncategories:\n${cat('a')}${cat('Bad-Id')}`, /taxonomy\.yml: categories\.1\.id: lowercase letters/],
      [`fallbackCategory: a\ncategories:\n  - { id: a, name: { en: A, zh: 甲 }, department: care, description: d, examples: [] }\n`, /taxonomy\.yml: categories\.0\.examples/],
      [`fallbackCategory: a\ncategories:\n${cat('a', ', colour: red')}`, /taxonomy\.yml: categories\.0: Unrecognized key.*colour/],
    ];
    for (const [text, error] of cases) expect(() => loadTaxonomyFile(write('taxonomy.yml', text))).toThrow(error);
  });
});
