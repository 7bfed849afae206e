import { FRAME_RATES, formatTimecode, parseFrameRate, type FrameRate } from "./timecode";

// The review process's vocabulary and its state machine, shared by the server (which enforces it)
// and the UI (which shows only the moves that are possible).

export const INTENDED_USES = ["portfolio", "social", "festival", "commercial", "press"] as const;
export type IntendedUse = (typeof INTENDED_USES)[number];

export const SUBMISSION_STATES = [
  "pending",
  "in_review",
  "approved",
  "changes_requested",
  "rejected",
  "withdrawn",
] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

export const DECISIONS = ["approve", "request_changes", "reject"] as const;
export type Decision = (typeof DECISIONS)[number];

/** Commercial use needs two approvals from different reviewers; everything else one. */
export function approvalsNeeded(use: IntendedUse) {
  return use === "commercial" ? 2 : 1;
}

export type ReviewEvent =
  | { type: "claim" }
  | { type: "release" }
  | { type: "decide"; decision: Decision; approvalsSoFar: number; approvalsNeeded: number }
  | { type: "withdraw" }
  | { type: "resubmit" };

export type Transition = { ok: true; to: SubmissionState } | { ok: false; reason: string };

const refuse = (reason: string): Transition => ({ ok: false, reason });

/**
 * Where a submission goes from `from` on `event`, or why it cannot. Pure: the domain functions
 * apply it inside a transaction that also checks the version the person acted on.
 *
 * pending → in_review (claim) → approved | changes_requested | rejected; in_review → pending when a
 * claim is released or expires; pending or in_review → withdrawn (by the artist, before a
 * decision); changes_requested → pending (resubmitted as the next version). An approval short of
 * the approvals needed keeps it in review.
 */
export function transition(from: SubmissionState, event: ReviewEvent): Transition {
  switch (event.type) {
    case "claim":
      if (from === "pending" || from === "in_review") return { ok: true, to: "in_review" };
      return refuse(`A ${label(from)} submission cannot be reviewed.`);
    case "release":
      if (from === "in_review") return { ok: true, to: "pending" };
      return refuse("Only a submission in review can be released.");
    case "decide": {
      if (from !== "in_review") return refuse(`A ${label(from)} submission cannot be decided.`);
      if (event.decision === "request_changes") return { ok: true, to: "changes_requested" };
      if (event.decision === "reject") return { ok: true, to: "rejected" };
      return {
        ok: true,
        to: event.approvalsSoFar + 1 >= event.approvalsNeeded ? "approved" : "in_review",
      };
    }
    case "withdraw":
      if (from === "pending" || from === "in_review") return { ok: true, to: "withdrawn" };
      return refuse(`A ${label(from)} submission can no longer be withdrawn.`);
    case "resubmit":
      if (from === "changes_requested") return { ok: true, to: "pending" };
      return refuse("Only a submission with changes requested can be resubmitted.");
  }
}

export function label(state: SubmissionState) {
  return state === "in_review"
    ? "in review"
    : state === "changes_requested"
      ? "changes-requested"
      : state;
}

export const CHANNELS = [
  "Instagram",
  "TikTok",
  "YouTube",
  "Vimeo",
  "Personal website",
  "Festival screening",
  "Broadcast",
  "Print",
  "Other",
] as const;

/** Why a reviewer asks for changes or rejects; the artist reads it with the note. */
export const REASON_CATEGORIES = [
  "Content policy",
  "Likeness or consent",
  "Third-party marks or logos",
  "Audio rights",
  "Quality",
  "Does not match the declared use",
  "Other",
] as const;

export const CLAIM_MINUTES = 15;
/**
 * An open page renews its claim this often while the reviewer works, and opening the item again
 * renews a claim only when it is older than this: reloads in between change nothing, so they
 * write nothing either.
 */
export const CLAIM_RENEW_MINUTES = CLAIM_MINUTES / 3;

/** The content-policy checklist when REVIEW_CHECKLIST does not set one. */
export const DEFAULT_CHECKLIST = [
  "No real person's likeness without their consent",
  "No minors in unsafe contexts",
  "No third-party logos or trademarks",
  "Audio rights cleared",
  "Matches the declared use",
] as const;

/**
 * One checklist item as a decision recorded it: `checked` when the reviewer attested it holds,
 * `failed` when a request for changes or a rejection points at it (the artist reads those with
 * the note). Decisions made before failed items existed have no `failed`.
 */
export type ChecklistEntry = { item: string; checked: boolean; failed?: boolean };

export function checklistFrom(setting: string | undefined): string[] {
  const items = (setting ?? "")
    .split("|")
    .map((item) => item.trim())
    .filter(Boolean);
  return items.length > 0 ? items : [...DEFAULT_CHECKLIST];
}

export const USE_LABELS: Record<IntendedUse, string> = {
  portfolio: "Portfolio",
  social: "Social",
  festival: "Festival",
  commercial: "Commercial",
  press: "Press",
};

export const DECISION_LABELS: Record<Decision, string> = {
  approve: "Approved",
  request_changes: "Changes requested",
  reject: "Rejected",
};

/** One step in a submission's history, as the artist and reviewers see it. */
export type TimelineEvent = {
  /** A Date on the server; a string once it has crossed to the browser. */
  at: Date | string;
  kind:
    | "submitted"
    | "resubmitted"
    | "claimed"
    | "approved"
    | "first_approval"
    | "changes_requested"
    | "rejected"
    | "withdrawn";
  version: number;
  by: string | null;
  reasonCategory?: string | null;
  note?: string | null;
  /** A decision's checklist as the reviewer left it. */
  checklist?: ChecklistEntry[];
};

/**
 * A clip's stored frame rate ("24/1", "30000/1001") as a rate. Unreadable text (never stored: a
 * CHECK guards the column) falls back to 24 fps, the rate every output is finished at.
 */
export function clipRate(stored: string): FrameRate {
  return parseFrameRate(stored) ?? FRAME_RATES.film;
}

/** Where a comment is, as editors write it: "00:00:01:04", or "00:00:01:04–00:00:02:00". */
export function commentTimecode(
  comment: { frame: number; endFrame: number | null },
  rate: FrameRate,
) {
  const start = formatTimecode(comment.frame, rate);
  return comment.endFrame === null ? start : `${start}–${formatTimecode(comment.endFrame, rate)}`;
}
