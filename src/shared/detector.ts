/** Early-warning settings both the detector workflow and its activities know. */

export const DETECTOR_SCHEDULE_ID = 'complaint-detector';

/** Days of per-category history the volume baseline learns from. */
export const SPIKE_HISTORY_DAYS = 28;

/** Near-duplicate complaints within this window from different customers make a mass complaint. */
export const CLUSTER_WINDOW_MS = 6 * 3_600_000;

export type AlertKind = 'volume_spike' | 'mass_complaint';
