import type { Role } from "./permissions";

// The kinds of email a person can turn off, in words they would use. Several notification kinds
// share one type ("Review decisions" covers approve, reject and changes requested): nobody wants
// to tick four boxes for one idea. The ids are what notification_preferences.kind stores, so they
// never change once released; labels and descriptions may.
//
// Security emails (invites, password resets, suspension notices) are not here on purpose: they
// always go, whatever anyone chose.

export const EMAIL_PREFERENCE_TYPES = [
  "review_decisions",
  "review_comments",
  "rights",
  "money",
  "promotion_requests",
  "review_threads",
  "overdue_digest",
  "clip_ready",
  "clip_failed",
  "quota_answers",
  "quota_requests",
] as const;
export type EmailPreferenceType = (typeof EMAIL_PREFERENCE_TYPES)[number];

export const EMAIL_PREFERENCES: Record<
  EmailPreferenceType,
  { label: string; description: string; roles: readonly Role[]; defaultEmail?: boolean }
> = {
  review_decisions: {
    label: "Review decisions",
    description: "A reviewer approved, rejected or asked for changes to one of your submissions.",
    roles: ["artist"],
  },
  review_comments: {
    label: "Comments on my clips",
    description:
      "A reviewer left a comment at a frame of one of your submissions, or replied in its thread.",
    roles: ["artist"],
  },
  rights: {
    label: "Publishing rights",
    description: "A rights request was granted or denied, or one of your licenses was revoked.",
    roles: ["artist"],
  },
  money: {
    label: "Money",
    description: "A contribution was approved or rejected, a grant was awarded, or a payout sent.",
    roles: ["artist"],
  },
  promotion_requests: {
    label: "Promotion requests",
    description: "The program asks to use one of your clips in its own promotion.",
    roles: ["artist"],
  },
  review_threads: {
    label: "Replies in review threads",
    description: "The artist or another reviewer replied in a comment thread you are part of.",
    roles: ["reviewer", "admin"],
  },
  overdue_digest: {
    label: "Daily overdue digest",
    description: "Once a day, the submissions that have waited longer than the review target.",
    roles: ["reviewer", "admin"],
  },
  clip_ready: {
    label: "Clip ready",
    description: "A clip you generated is ready. Off unless you turn it on: the studio tells you.",
    roles: ["artist"],
    defaultEmail: false,
  },
  clip_failed: {
    label: "Clip failed",
    description: "A clip you generated could not be made, with the reason.",
    roles: ["artist"],
  },
  quota_answers: {
    label: "Requests for more seconds",
    description: "The program team answered your request for more generation seconds.",
    roles: ["artist"],
  },
  quota_requests: {
    label: "Artists asking for more seconds",
    description: "An artist asked for more generation seconds this month.",
    roles: ["admin"],
  },
};

/** Whether this type's email goes to someone who never chose (most do; "Clip ready" does not). */
export function emailByDefault(type: EmailPreferenceType): boolean {
  return EMAIL_PREFERENCES[type].defaultEmail ?? true;
}

/** The types that can reach someone with this role, in the order the settings page lists them. */
export function emailPreferenceTypesFor(role: Role): EmailPreferenceType[] {
  return EMAIL_PREFERENCE_TYPES.filter((type) => EMAIL_PREFERENCES[type].roles.includes(role));
}
