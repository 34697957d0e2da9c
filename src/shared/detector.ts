/** Early-warning settings both the detector workflow and its activities know. */

export const DETECTOR_SCHEDULE_ID = 'complaint-detector';

/** Days of per-category history the volume baseline learns from. */
export const SPIKE_HISTORY_DAYS = 28;

/** Near-duplicate complaints within this window from different customers make a mass complaint. */
export const CLUSTER_WINDOW_MS = 6 * 3_600_000;

/** needs_attention: a complaint whose processing failed for good waits for a supervisor (raised by the complaint workflow). */
export const ALERT_KINDS = ['volume_spike', 'mass_complaint', 'needs_attention'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
