import { loadConfig } from '../config';
import { ensureTemporalBinaries } from '../embedded/tools';
import { secretsNotice } from '../secrets';
import { fail } from './stack';

// Run before `npm start` and `npm test`: finds the Temporal binaries or installs the pinned ones.
try {
  const config = loadConfig();
  // The first run of a fresh clone generates the development secrets here: say so, and where they are.
  if (config.secretsOrigin.generated.length) console.error(`[setup] ${secretsNotice(config.secretsOrigin)}`);
  const found = ensureTemporalBinaries(config, process.cwd());
  if (process.env.npm_lifecycle_event === 'setup') console.error(`[setup] temporal: ${found.cli}\n[setup] temporal-test-server: ${found.testServer}`);
} catch (err) {
  fail(err);
}
