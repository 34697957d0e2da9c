import { loadConfig } from '../config';
import { prepareDatabase, fail } from './stack';

// Applies migrations (and the first-start seed) and exits: for deploy pipelines that migrate before rollout.
prepareDatabase(loadConfig())
  .then(async (db) => {
    console.log(`[migrate] ${db.kind}: up to date`);
    await db.close();
  })
  .catch(fail);
