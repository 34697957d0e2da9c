import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { ensureTemporalBinaries } from '../../src/embedded/tools';
import { findPgBin, formatReport, runChaos } from './chaos';

// The short form of the fault run (the long one: npm run chaos). It needs PostgreSQL's server binaries to
// stop and start a cluster of its own; CI installs them, and there a missing binary is a failure.
const canRun = Boolean(findPgBin()) || process.env.CI === 'true';

describe.runIf(canRun)('faults under load: worker SIGKILL, Temporal restart, PostgreSQL outage', () => {
  it('every accepted complaint reaches its end once; read model equals workflows; no message twice', async () => {
    const { cli } = ensureTemporalBinaries(loadConfig(), process.cwd());
    const report = await runChaos({ complaints: 60, databaseOutageMs: 8000, drainMs: 90_000, temporalCli: cli, log: (l) => console.log(`[chaos] ${l}`) });
    console.log(formatReport(report));
    expect(report.faults).toHaveLength(5);
    expect(report.lost).toEqual([]);
    expect(report.accepted).toBe(60);
    expect(report.completed).toBe(60);
    expect(report.duplicatedComplaints).toBe(0);
    expect(report.readModelMismatches).toEqual([]);
    expect(report.acknowledgementsDelivered).toBe(60);
    expect(report.messagesSentTwice).toBe(0);
  }, 600_000);
});
