import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, pgliteDirFor } from '../../src/db/client';
import { trainingExamples } from '../../src/db/schema';

describe('npm run train -- --from-db', () => {
  it("learns from supervisors' corrections stored by the service", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'train-'));
    const database = await openDatabase({ pgliteDir: pgliteDirFor(dataDir) });
    await database.migrate();
    const billing = ['I was charged twice', 'refund my money for the double charge', 'the invoice amount is wrong', 'unexpected fee on my bill', 'charged for a cancelled order'];
    const delivery = ['the parcel never arrived', 'courier lost my package', 'delivery is a week late', 'tracking has not moved', 'package delivered to the wrong address'];
    const rows = [...billing.map((t) => ({ t, label: 'billing' })), ...delivery.map((t) => ({ t, label: 'delivery' }))].flatMap(({ t, label }, i) =>
      [0, 1, 2].map((k) => ({ complaintId: `c${i}${k}`, task: 'category', language: 'en', text: `${t} (${k})`, label, previousLabel: 'general', actor: 'sup' })),
    );
    await database.db.insert(trainingExamples).values(rows);
    await database.close();

    const out = path.join(dataDir, 'from-db.json');
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/train.ts', '--from-db', '--out', out, '--lang', 'en', '--holdout', '0.2'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('30 labelled examples from the database');
    expect(existsSync(out)).toBe(true);
    expect(JSON.parse(readFileSync(out, 'utf8')).labels).toEqual(expect.arrayContaining(['billing', 'delivery']));
  });
});
