import { readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { historiesInDir, replayHistories } from '../../src/audit/replay';
import { quietRuntime } from '../helpers/stack';

const DIR = path.join('test', 'histories');

describe('golden histories replay against the current workflow code', () => {
  it('every recorded scenario replays without a determinism error', async () => {
    quietRuntime();
    const report = await replayHistories(historiesInDir(DIR));
    expect(report.failures).toEqual([]);
    // v1-*: regular activities throughout; v2-*: read-model steps local; v3-*: notices local too; v4-*: one
    // patch and search attributes written on wait (keyed-withdraw: a keyed action, whose outcome is stored
    // under its key since the idempotent-actions patch), the frozen legacy body since the core. The rest:
    // the shell over the pure core ('lifecycle-core'), core-*: a reopen in the same run and a continue-as-new
    // after it. Complaints started under each version may still be running: all must replay.
    expect(report.replayed).toBeGreaterThanOrEqual(67);
  });

  it('the histories of the new shape are of the new shape: they took the lifecycle-core patch (or carry its state)', () => {
    const marker = (name: string): boolean => readFileSync(path.join(DIR, `${name}.json`), 'utf8').includes(Buffer.from('{"id":"lifecycle-core"').toString('base64').slice(0, 24));
    for (const name of ['good-score-closes', 'silence-closes-after-reminder', 'escalation-levels-1-2-3', 'core-reopen-in-run']) expect(marker(name), name).toBe(true);
    for (const name of ['v4-good-score-closes', 'v3-good-score-closes', 'reopen-after-close-continuation']) expect(marker(name), name).toBe(false);
    // A continued run of the new shape starts from the core's state, carried as it was.
    for (const name of ['continued-as-new', 'core-continued-as-new-after-reopen']) expect(readFileSync(path.join(DIR, `${name}.json`), 'utf8'), name).toContain('continuedExecutionRunId');
  });

  it('the replay does catch a history the code would not produce (the guard can fail)', async () => {
    quietRuntime();
    const raw = JSON.parse(readFileSync(path.join(DIR, 'good-score-closes.json'), 'utf8'));
    // Pretend the code once called a different activity at this step.
    const scheduled = raw.events.find((e: { activityTaskScheduledEventAttributes?: unknown }) => e.activityTaskScheduledEventAttributes);
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'someOtherActivity';
    const report = await replayHistories([{ workflowId: 'tampered', history: historyFromJSON(raw) }]);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]!.error).toMatch(/nondetermin|someOtherActivity|activity type/i);
  });
});
