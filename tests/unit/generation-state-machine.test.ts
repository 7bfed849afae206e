import { describe, expect, it } from "vitest";
import {
  JOB_STATES,
  JOB_TRANSITIONS,
  jobTransition,
  type JobEvent,
  type JobState,
} from "~/lib/generation";

// Every state × every event: the allowed moves and their targets; everything else is refused.
const allowed: [JobState, JobEvent, JobState][] = [
  ["queued", "dispatch", "running"],
  ["running", "claim", "running"],
  ["running", "heartbeat", "running"],
  ["running", "retry", "running"],
  ["running", "hand_over", "running"],
  ["running", "hand_back", "running"],
  ["running", "succeed", "succeeded"],
  ["running", "fail", "failed"],
  ["queued", "cancel", "canceled"],
  ["running", "cancel", "canceled"],
];

const events = Object.keys(JOB_TRANSITIONS) as JobEvent[];

describe("the generation job state machine", () => {
  it("allows exactly the documented moves and refuses every other with a reason", () => {
    for (const from of JOB_STATES) {
      for (const event of events) {
        const expected = allowed.find(([f, e]) => f === from && e === event);
        const result = jobTransition(from, event);
        if (expected) expect(result, `${from} on ${event}`).toEqual({ ok: true, to: expected[2] });
        else {
          expect(result.ok, `${from} on ${event}`).toBe(false);
          expect(!result.ok && result.reason).toMatch(/\S/);
        }
      }
    }
  });

  it("never moves a finished job", () => {
    for (const from of ["succeeded", "failed", "canceled"] as const)
      for (const event of events) expect(jobTransition(from, event).ok).toBe(false);
  });

  it("tells the artist why a finished job cannot be cancelled", () => {
    expect(jobTransition("succeeded", "cancel")).toEqual({
      ok: false,
      reason: "This job has already finished.",
    });
    expect(jobTransition("failed", "cancel")).toEqual({
      ok: false,
      reason: "This job has already failed.",
    });
    expect(jobTransition("canceled", "cancel")).toEqual({
      ok: false,
      reason: "This job has already canceled.",
    });
  });
});
