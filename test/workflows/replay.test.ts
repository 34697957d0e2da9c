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
    // v1-*: regular activities throughout; v2-*: read-model steps local; v3-*: notices local too; the
    // rest: one patch and search attributes written on wait (keyed-withdraw: a keyed action, whose outcome
    // is stored under its key since the idempotent-actions patch). Complaints started under each version may
    // still be running: all must replay.
    expect(report.replayed).toBeGreaterThanOrEqual(50);
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
