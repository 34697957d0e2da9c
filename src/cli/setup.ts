import { loadConfig } from '../config';
import { ensureTemporalBinaries } from '../embedded/tools';
import { fail } from './stack';

// Run before `npm start` and `npm test`: finds the Temporal binaries or installs the pinned ones.
try {
  const config = loadConfig();
  const found = ensureTemporalBinaries(config, process.cwd());
  if (process.env.npm_lifecycle_event === 'setup') console.error(`[setup] temporal: ${found.cli}\n[setup] temporal-test-server: ${found.testServer}`);
} catch (err) {
  fail(err);
}
