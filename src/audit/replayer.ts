import type { Client } from '@temporalio/client';
import type { ReplayReport, ReplayRequest } from '../api/routes/history';
import { historiesOfComplaints, historiesOfQuery, replayHistories } from './replay';

/** The API's replay function, over a client: by complaint ids or by a visibility query. */
export function createReplayer(client: Client): (req: ReplayRequest) => Promise<ReplayReport> {
  return (req) => replayHistories(req.ids ? historiesOfComplaints(client, req.ids) : historiesOfQuery(client, req.query!));
}
