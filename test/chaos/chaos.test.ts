import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
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
    // The deadline leaves the run time to stop what it started before the test's own timeout.
    const report = await runChaos({ complaints: 60, databaseOutageMs: 8000, drainMs: 90_000, deadlineMs: 480_000, temporalCli: cli, log: (l) => console.log(`[chaos] ${l}`) });
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

  it('a run that gives up stops every process it started', async () => {
    const { cli } = ensureTemporalBinaries(loadConfig(), process.cwd());
    const lines: string[] = [];
    await expect(runChaos({ complaints: 4, databaseOutageMs: 1000, deadlineMs: 1, temporalCli: cli, log: (l) => lines.push(l) })).rejects.toThrow(/chaos run past its deadline/);
    const work = lines.map((l) => /^logs kept in (.+)$/.exec(l)?.[1]).find(Boolean);
    expect(work).toBeDefined();
    // PostgreSQL and the Temporal dev server name the run's directory on their command lines; the worker is our child.
    expect(processes(work!)).toEqual([]);
    expect(processes('src/cli/worker.ts').filter((p) => p.ppid === process.pid)).toEqual([]);
    rmSync(work!, { recursive: true, force: true });
  }, 120_000);
});

function processes(pattern: string): { pid: number; ppid: number; command: string }[] {
  const out = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && m[3]!.includes(pattern) && !m[3]!.startsWith('ps '))
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), command: m[3]! }));
}
