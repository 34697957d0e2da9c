import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, pgliteDirFor } from '../../src/db/client';
import { insertAudit } from '../../src/db/queries/audit';
import { auditLog } from '../../src/db/schema';
import { TEST_AUDIT_KEY, testAuditKeyring } from '../helpers/db';

/** Runs `npm run audit:verify` as an operator would, against the given data directory. */
function auditVerify(dataDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, AUDIT_KEY: TEST_AUDIT_KEY };
  delete env.DATABASE_URL; // this test owns its embedded database
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/audit-verify.ts'], { env, encoding: 'utf8', timeout: 60_000 });
}

describe('npm run audit:verify', () => {
  it('passes on an intact log and names the row edited directly in the database', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'audit-'));
    const database = await openDatabase({ pgliteDir: pgliteDirFor(dataDir), auditKeyring: testAuditKeyring });
    await database.migrate();
    for (let k = 0; k < 5; k++) await insertAudit(database.db, { actor: 'admin', role: 'admin', action: 'handler_updated', data: { k } });
    await database.close();

    const ok = auditVerify(dataDir);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/audit log intact: 5 entries/);

    const again = await openDatabase({ pgliteDir: pgliteDirFor(dataDir) });
    const [third] = await again.db.select().from(auditLog).orderBy(auditLog.id).offset(2).limit(1);
    await again.db.execute(sql`alter table audit_log disable trigger audit_log_no_update`);
    await again.db.update(auditLog).set({ actor: 'someone-else' }).where(eq(auditLog.id, third!.id));
    await again.close();

    const broken = auditVerify(dataDir);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain(`audit log BROKEN at entry ${third!.id} (edited entry)`);
  });
});
