import type { Db } from '../src/db/client';
import type { CompiledRules } from '../src/triage/rules';
import { createAssignActivities } from './assign';
import { createPersistActivities } from './persist';
import { createTriageActivities } from './triage';

/** Everything activities need, built once by the worker and injected (tests build their own). */
export interface ActivityDeps {
  db: Db;
  rules: CompiledRules;
  defaultDepartment: string;
}

/** All activities of the complaint workflow, over injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPersistActivities(deps),
    ...createTriageActivities(deps),
    ...createAssignActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
