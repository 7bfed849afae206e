// What an anomaly flag's evidence holds (anomaly_flags.evidence, jsonb), written by the scan
// (app/.server/oversight/flags.ts) and read by /admin/flags. Shared so both sides agree on it.

import type { AnomalyKind } from "./oversight";

/** At most this many addresses or browsers are kept in a flag; `more` counts the rest. */
export const EVIDENCE_ITEMS_MAX = 50;

/** One address (or browser) an account was used from in the window. */
export type EvidenceItem = {
  value: string;
  requests: number;
  signIns: number;
  /** ISO time of the last request from it. */
  lastSeenAt: string;
};

/** Distinct addresses, browsers or sign-in addresses within the last hour. */
export type HourlyEvidence = {
  type: "hourly";
  /** How many distinct ones the window held. */
  count: number;
  /** Flagged above this (the environment's limit). */
  threshold: number;
  /** Strong from this many (3 × the limit). */
  strongAt: number;
  /** The highest count any scan saw while the flag was open. */
  peak: number;
  items: EvidenceItem[];
  /** Items beyond EVIDENCE_ITEMS_MAX, not listed. */
  more: number;
};

/** Generation volume in the last 24 hours against the account's own history. */
export type VolumeEvidence = {
  type: "volume";
  /** Jobs queued in the window. */
  jobs: number;
  /** The median of the daily counts over the previous 14 days. */
  medianPerDay: number;
  /** The median, or 1 when it is 0: what "usual" is compared against. */
  baseline: number;
  factor: number;
  /** Never flagged below this many jobs, however quiet the history. */
  minJobs: number;
  /** Flagged from this many jobs, strong from `strongAt`. */
  flagAt: number;
  strongAt: number;
  peak: number;
  /** The previous 14 days' counts, the most recent day first. */
  dailyCounts: number[];
};

export type AnomalyEvidence = HourlyEvidence | VolumeEvidence;

export function isAnomalyEvidence(value: unknown): value is AnomalyEvidence {
  if (!value || typeof value !== "object") return false;
  const type = (value as { type?: unknown }).type;
  return type === "hourly" || type === "volume";
}

/** The reason a suspension records and the artist reads, in words. */
export function describeAnomaly(kind: AnomalyKind, evidence: AnomalyEvidence) {
  if (evidence.type === "volume")
    return `Queued ${evidence.jobs} generations in 24 hours, against a usual ${evidence.medianPerDay} a day (flagged from ${evidence.flagAt}).`;
  const what =
    kind === "many_user_agents"
      ? `Used from ${evidence.count} different browsers`
      : kind === "many_sign_in_addresses"
        ? `Signed in from ${evidence.count} different addresses`
        : `Used from ${evidence.count} different addresses`;
  return `${what} within an hour (the limit is ${evidence.threshold}): the access looks shared.`;
}
