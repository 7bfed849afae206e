import { stateMachine } from "./state-machine";

// An artist's request for more generation seconds this month. One table of moves, which every
// writer asks: an open request is answered once (granted in full, in part, or declined) or
// withdrawn by the artist; an answer never changes.

export const QUOTA_REQUEST_STATES = [
  "open",
  "granted",
  "partly_granted",
  "declined",
  "withdrawn",
] as const;
export type QuotaRequestState = (typeof QUOTA_REQUEST_STATES)[number];

export const quotaRequestMachine = stateMachine<QuotaRequestState>({
  allowed: {
    open: ["granted", "partly_granted", "declined", "withdrawn"],
    granted: [],
    partly_granted: [],
    declined: [],
    withdrawn: [],
  },
  refusal: (from) =>
    from === "withdrawn"
      ? "The artist withdrew this request."
      : "This request has already been answered.",
});

export const QUOTA_REQUEST_LABELS: Record<QuotaRequestState, string> = {
  open: "Waiting for an answer",
  granted: "Granted",
  partly_granted: "Partly granted",
  declined: "Declined",
  withdrawn: "Withdrawn",
};

/** The largest single request, in seconds: a month of daily 20 s clips, and then some. */
export const MAX_REQUEST_SECONDS = 3600;

/** The state an answer of `granted` seconds out of `requested` puts a request in. */
export function answerState(requested: number, granted: number): QuotaRequestState {
  if (granted <= 0) return "declined";
  return granted >= requested ? "granted" : "partly_granted";
}
