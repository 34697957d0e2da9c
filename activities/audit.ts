import type { Db } from '../src/db/client';
import { auditHead } from '../src/db/queries/audit';
import type { AuditCheckpoint } from '../src/shared/audit-anchor';

export function createAuditActivities({ db }: { db: Db }) {
  return {
    /** The audit chain's head now: its result, kept in the anchor workflow's history, is the checkpoint. */
    async checkpointAuditChain(): Promise<AuditCheckpoint> {
      return { ...(await auditHead(db)), at: new Date().toISOString() };
    },
  };
}
