/**
 * RFC 4180 CSV parsing: quoted fields may hold commas, doubled quotes and newlines. Pure: the
 * caller reads the file, so this works on any string (and in tests without fixtures).
 */

/** Parses CSV text into rows of fields. Accepts CRLF or LF line ends and a leading BOM. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field.length === 0) {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else {
      field += c;
    }
    i++;
  }
  // A final line without a newline still counts; a trailing newline does not add an empty row.
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Parses CSV with a header row into records keyed by column name. */
export function parseCsvRecords(text: string): { columns: string[]; records: Record<string, string>[] } {
  const rows = parseCsv(text);
  const columns = rows[0] ?? [];
  const records = rows.slice(1).map((cells) => {
    const rec: Record<string, string> = {};
    columns.forEach((col, j) => {
      rec[col] = cells[j] ?? '';
    });
    return rec;
  });
  return { columns, records };
}

/** A labelled example as the trainers and evaluators see it. */
export interface LabelledText {
  text: string;
  label: string;
}

/**
 * Picks the text and label columns out of CSV text. Rows with an empty text or an empty label
 * are skipped: an empty label means "not applicable" in our data (e.g. no complaint reason on a
 * positive tweet), not a class to learn.
 */
export function labelledRowsFromCsv(text: string, textColumn: string, labelColumn: string): LabelledText[] {
  const { columns, records } = parseCsvRecords(text);
  for (const col of [textColumn, labelColumn]) {
    if (!columns.includes(col)) {
      throw new Error(`column "${col}" not found; the CSV has: ${columns.join(', ')}`);
    }
  }
  const out: LabelledText[] = [];
  for (const rec of records) {
    const t = (rec[textColumn] ?? '').trim();
    const l = (rec[labelColumn] ?? '').trim();
    if (t && l) out.push({ text: t, label: l });
  }
  return out;
}
