import type { Move } from "./state-machine";

// An account's status, as events (two of them lead to "active" from different places, so a table
// of target states would not say which): invited → active when the invitation is accepted;
// active → suspended by an admin or the anomaly scan; suspended → active when an admin
// reactivates. Every writer's conditional UPDATE starts from the event's `from`.

export const ACCOUNT_STATUSES = ["invited", "active", "suspended"] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const ACCOUNT_EVENTS = {
  acceptInvite: { from: ["invited"], to: "active", verb: "activated" },
  suspend: { from: ["active"], to: "suspended", verb: "suspended" },
  reactivate: { from: ["suspended"], to: "active", verb: "reactivated" },
} as const satisfies Record<
  string,
  { from: readonly AccountStatus[]; to: AccountStatus; verb: string }
>;
export type AccountEvent = keyof typeof ACCOUNT_EVENTS;

/** Whether an account in `status` can undergo `event`, and if not, why. */
export function accountMove(status: AccountStatus, event: AccountEvent): Move {
  const { from, verb } = ACCOUNT_EVENTS[event];
  if ((from as readonly AccountStatus[]).includes(status)) return { ok: true };
  return { ok: false, reason: `This account is ${status}, so it cannot be ${verb}.` };
}

/** The statuses `event` starts from, for the WHERE of the update that makes it. */
export function accountStatusesFor(event: AccountEvent): AccountStatus[] {
  return [...ACCOUNT_EVENTS[event].from];
}
