import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { detectVolumeSpikes, detectMassComplaints, notifyAlerts } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * Run by a Temporal Schedule every few minutes: looks for volume spikes and mass complaints as of the
 * scheduled time, then tells supervisors about the alerts that are new. The detection math lives in
 * the activities (src/analytics); this only orchestrates. Alerts are deduplicated in the database, so
 * a run repeated after a failure raises nothing twice.
 */
export async function detectorWorkflow(): Promise<{ alerts: number[]; messages: number }> {
  // Workflow time is the run's start time (deterministic on replay), so every activity sees one "now".
  const now = Date.now();
  const spikes = await detectVolumeSpikes(now);
  const clusters = await detectMassComplaints(now);
  const alerts = [...spikes, ...clusters];
  const messages = alerts.length ? await notifyAlerts(alerts) : 0;
  return { alerts, messages };
}
