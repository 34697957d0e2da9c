/**
 * The yardstick for intake: a workflow that does nothing. Starting it costs what a bare
 * `client.workflow.start` costs the engine, so intake's rate divided by its rate is our overhead.
 */
export async function noopWorkflow(): Promise<void> {}
