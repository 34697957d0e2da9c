import { loadConfig } from '../config';
import { ensureTemporalBinaries } from '../embedded/tools';
import { ensureUseModel } from '../embedded/use-model';
import { secretsNotice } from '../secrets';
import { fail } from './stack';

// Run before `npm start` and `npm test`: finds the Temporal binaries or installs the pinned ones, then
// the sentence encoder's files (once; later runs only stat them).
try {
  const config = loadConfig();
  // The first run of a fresh clone generates the development secrets here: say so, and where they are.
  if (config.secretsOrigin.generated.length) console.error(`[setup] ${secretsNotice(config.secretsOrigin)}`);
  const found = ensureTemporalBinaries(config, process.cwd());
  const use = await ensureUseModel(process.cwd());
  if (process.env.npm_lifecycle_event === 'setup') {
    console.error(`[setup] temporal: ${found.cli}\n[setup] temporal-test-server: ${found.testServer}\n[setup] sentence encoder: ${use.model}`);
  }
} catch (err) {
  fail(err);
}
