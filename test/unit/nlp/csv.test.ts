import { describe, expect, it } from 'vitest';
import { labelledRowsFromCsv, parseCsv } from '../../../src/nlp/csv';

describe('parseCsv', () => {
  it('handles quoted fields with commas, doubled quotes and newlines (RFC 4180)', () => {
    const rows = parseCsv('a,b\r\n"x, y","he said ""hi""\nthen left"\r\nlast,\n');
    expect(rows).toEqual([
      ['a', 'b'],
      ['x, y', 'he said "hi"\nthen left'],
      ['last', ''],
    ]);
  });

  it('reads a final line without a newline and strips a BOM', () => {
    expect(parseCsv('\ufeffh\nv')).toEqual([['h'], ['v']]);
  });
});

describe('labelledRowsFromCsv', () => {
  it('skips rows with an empty text or label and names a missing column', () => {
    const csv = 'text,label\nhello,a\n,b\nbye,\n"multi\nline",c\n';
    expect(labelledRowsFromCsv(csv, 'text', 'label')).toEqual([
      { text: 'hello', label: 'a' },
      { text: 'multi\nline', label: 'c' },
    ]);
    expect(() => labelledRowsFromCsv(csv, 'body', 'label')).toThrow(/column "body" not found/);
  });
});
