import { TAMPER_KINDS } from '../audit/chain';
import { loadConfig } from '../config';
import { openDatabase, pgliteDirFor } from '../db/client';
import { verifyAuditLog } from '../db/queries/audit';
import { auditKeyringOf, fail } from './stack';

// Checks the audit log's keyed hash chain end to end; exit 1 naming the first broken entry and how it broke.
async function main(): Promise<void> {
  const config = loadConfig();
  const keyring = auditKeyringOf(config);
  const database = await openDatabase({ url: config.database.url, pgliteDir: pgliteDirFor(config.dataDir), poolSize: 1 });
  try {
    const report = await verifyAuditLog(database.db, keyring);
    if (report.firstBroken) {
      const b = report.firstBroken;
      console.error(`audit log BROKEN at entry ${b.id} (${TAMPER_KINDS[b.kind]}): ${b.reason} (${report.checked} entries before it hold)`);
      process.exitCode = 1;
    } else console.log(`audit log intact: ${report.checked} entries (${report.keyed ?? 0} keyed), every hash holds`);
  } finally {
    await database.close();
  }
}

main().catch(fail);
