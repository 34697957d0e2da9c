import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRoutingFile } from '../../src/routing/routing-file';
import { readTemporalDevConfig } from '../../src/embedded/temporal-dev-server';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';

const write = (text: string): string => {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'cfg-')), 'routing.yml');
  writeFileSync(f, text);
  return f;
};

describe('settings files', () => {
  it('the shipped routing file is valid and every handler belongs to a department', () => {
    const r = loadRoutingFile();
    const ids = new Set(r.departments.map((d) => d.id));
    expect(r.handlers.every((h) => ids.has(h.department))).toBe(true);
  });

  it('a bad routing file names the file and the field', () => {
    const f = write('defaultDepartment: care\ndepartments:\n  - { id: care, name: Care }\nhandlers:\n  - { id: h1, name: A, department: nowhere, languages: [en], capacity: 1 }\n');
    expect(() => loadRoutingFile(f)).toThrow(/routing\.yml: handlers\.0\.department: no department "nowhere"/);
  });

  it('temporal-dev.yml registers every search attribute the workflow upserts', () => {
    const dev = readTemporalDevConfig(path.resolve('temporal-dev.yml'));
    for (const key of ALL_SEARCH_ATTRIBUTES) expect(dev.searchAttributes[key.name]).toBe('Keyword');
    expect(dev.port).toBe(7233);
    expect(dev.uiPort).toBe(8233);
  });
});
