import { eq } from 'drizzle-orm';
import { loadConfig } from '../config';
import { openDatabase, pgliteDirFor } from '../db/client';
import { trainingExamples } from '../db/schema';

/**
 * Labelled examples people made in the service (supervisors' category corrections), read from the
 * configured database (DATABASE_URL, or the embedded one in DATA_DIR, which must not be in use).
 */
export async function examplesFromDatabase(task: string, lang?: 'en' | 'zh'): Promise<Array<{ text: string; label: string }>> {
  const config = loadConfig();
  const database = await openDatabase({ url: config.database.url, pgliteDir: pgliteDirFor(config.dataDir), poolSize: 1 });
  try {
    const rows = await database.db.select().from(trainingExamples).where(eq(trainingExamples.task, task));
    // A mixed-language complaint trains both tokenisers; one in the other language trains neither.
    return rows.filter((r) => !lang || !r.language || r.language === lang || r.language === 'mixed').map((r) => ({ text: r.text, label: r.label }));
  } finally {
    await database.close();
  }
}
