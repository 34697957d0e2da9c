import { loadConfig } from '../config';
import { openDatabase, pgliteDirFor } from '../db/client';
import { verifyAuditLog } from '../db/queries/audit';
import { fail } from './stack';

// Checks the audit log's hash chain end to end; exit 1 naming the first broken entry.
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase({ url: config.database.url, pgliteDir: pgliteDirFor(config.dataDir), poolSize: 1 });
  try {
    const report = await verifyAuditLog(database.db);
    if (report.firstBroken) {
      console.error(`audit log BROKEN at entry ${report.firstBroken.id}: ${report.firstBroken.reason} (${report.checked} entries before it hold)`);
      process.exitCode = 1;
    } else console.log(`audit log intact: ${report.checked} entries, every hash holds`);
  } finally {
    await database.close();
  }
}

main().catch(fail);
