import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { TASK_QUEUE } from './shared/constants';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerWiring {
  connection: NativeConnection;
  namespace: string;
  deps: ActivityDeps;
  taskQueue?: string;
  /** A prebuilt bundle (production); otherwise workflows are bundled from source at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxActivities?: number;
  maxWorkflowTasks?: number;
}

/** Wires injected dependencies into activities and creates the complaint worker (not yet running). */
export async function createComplaintWorker(w: WorkerWiring): Promise<Worker> {
  return Worker.create({
    connection: w.connection,
    namespace: w.namespace,
    taskQueue: w.taskQueue ?? TASK_QUEUE,
    ...(w.workflowBundle ? { workflowBundle: w.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createActivities(w.deps),
    maxConcurrentActivityTaskExecutions: w.maxActivities,
    maxConcurrentWorkflowTaskExecutions: w.maxWorkflowTasks,
  });
}
