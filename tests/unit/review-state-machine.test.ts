import { describe, expect, it } from "vitest";
import {
  approvalsNeeded,
  SUBMISSION_STATES,
  transition,
  type ReviewEvent,
  type SubmissionState,
} from "~/lib/review";

const decide = (
  decision: "approve" | "request_changes" | "reject",
  approvalsSoFar = 0,
  needed = 1,
): ReviewEvent => ({ type: "decide", decision, approvalsSoFar, approvalsNeeded: needed });

// Every state × every event: the allowed moves and their targets; everything else is refused.
const allowed: [SubmissionState, ReviewEvent, SubmissionState][] = [
  ["pending", { type: "claim" }, "in_review"],
  ["in_review", { type: "claim" }, "in_review"],
  ["in_review", { type: "release" }, "pending"],
  ["in_review", decide("approve"), "approved"],
  ["in_review", decide("request_changes"), "changes_requested"],
  ["in_review", decide("reject"), "rejected"],
  ["pending", { type: "withdraw" }, "withdrawn"],
  ["in_review", { type: "withdraw" }, "withdrawn"],
  ["changes_requested", { type: "resubmit" }, "pending"],
];

const events: ReviewEvent[] = [
  { type: "claim" },
  { type: "release" },
  decide("approve"),
  decide("request_changes"),
  decide("reject"),
  { type: "withdraw" },
  { type: "resubmit" },
];

describe("the submission state machine", () => {
  it("allows exactly the documented moves and refuses every other with a reason", () => {
    for (const from of SUBMISSION_STATES) {
      for (const event of events) {
        const expected = allowed.find(
          ([f, e]) => f === from && JSON.stringify(e) === JSON.stringify(event),
        );
        const result = transition(from, event);
        const name = `${from} + ${JSON.stringify(event)}`;
        if (expected) {
          expect(result, name).toEqual({ ok: true, to: expected[2] });
        } else {
          expect(result.ok, name).toBe(false);
          if (!result.ok) expect(result.reason.length, name).toBeGreaterThan(10);
        }
      }
    }
  });

  it("needs two approvals for commercial use: the first keeps it in review", () => {
    expect(approvalsNeeded("commercial")).toBe(2);
    expect(approvalsNeeded("portfolio")).toBe(1);
    expect(transition("in_review", decide("approve", 0, 2))).toEqual({ ok: true, to: "in_review" });
    expect(transition("in_review", decide("approve", 1, 2))).toEqual({ ok: true, to: "approved" });
    // A request for changes after one approval still ends the round.
    expect(transition("in_review", decide("request_changes", 1, 2))).toEqual({
      ok: true,
      to: "changes_requested",
    });
  });

  it("finished submissions stay finished", () => {
    for (const from of ["approved", "rejected", "withdrawn"] as const) {
      for (const event of events) expect(transition(from, event).ok).toBe(false);
    }
  });
});
