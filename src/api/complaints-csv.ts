import type { Db } from '../db/client';
import { listComplaints, type ComplaintFilters, type Cursor, type ListedComplaint } from '../db/queries/complaints';
import { csvLine } from './csv';

// The facts managers analyse; contact details (email, phone, name) stay out of spreadsheets.
const COLUMNS: [string, (r: ListedComplaint) => unknown][] = [
  ['id', (r) => r.id],
  ['createdAt', (r) => r.createdAt],
  ['status', (r) => r.status],
  ['channel', (r) => r.channel],
  ['language', (r) => r.language],
  ['category', (r) => r.category],
  ['intent', (r) => r.intent],
  ['priority', (r) => r.priority],
  ['sentiment', (r) => r.sentimentLabel],
  ['department', (r) => r.department],
  ['assignee', (r) => r.assignee],
  ['customerId', (r) => r.customerId],
  ['subject', (r) => r.subject],
  ['summary', (r) => r.summary],
  ['keywords', (r) => r.keywords.join(' ')],
  ['firstResponseDueAt', (r) => r.firstResponseDueAt],
  ['firstRespondedAt', (r) => r.firstRespondedAt],
  ['resolutionDueAt', (r) => r.resolutionDueAt],
  ['resolvedAt', (r) => r.resolvedAt],
  ['closedAt', (r) => r.closedAt],
  ['breached', (r) => r.breached],
  ['escalationLevel', (r) => r.escalationLevel],
  ['reopenCount', (r) => r.reopenCount],
  ['surveyScore', (r) => r.surveyScore],
];

const PAGE = 1000;

/** Every complaint matching the filters as CSV, newest first, a keyset page at a time (never all in memory). */
export async function* complaintsCsv(db: Db, filters: ComplaintFilters): AsyncGenerator<string> {
  yield csvLine(COLUMNS.map(([name]) => name));
  let after: Cursor | undefined;
  for (;;) {
    const page = await listComplaints(db, filters, PAGE, after);
    for (const r of page) yield csvLine(COLUMNS.map(([, get]) => get(r)));
    if (page.length < PAGE) return;
    const last = page[page.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}
