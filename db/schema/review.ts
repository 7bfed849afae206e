import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { Annotation } from "../../app/lib/annotations";
import {
  DECISIONS,
  INTENDED_USES,
  SUBMISSION_STATES,
  type ChecklistEntry,
} from "../../app/lib/review";
import { clips } from "./generation";
import { users } from "./users";

export const intendedUse = pgEnum("intended_use", INTENDED_USES);
export const submissionState = pgEnum("submission_state", SUBMISSION_STATES);
export const reviewDecision = pgEnum("review_decision", DECISIONS);

// An artist's request for approval of a clip. Resubmitting after "changes requested" adds a
// version; the submission, its versions, comments and decisions stay as one visible history.
export const submissions = pgTable(
  "submissions",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description").notNull(),
    intendedUse: intendedUse("intended_use").notNull(),
    channels: text("channels").array().notNull(),
    state: submissionState("state").notNull().default("pending"),
    currentVersion: integer("current_version").notNull().default(1),
    approvalsNeeded: integer("approvals_needed").notNull(),
    // Bumped on every change: a decision or edit names the revision it was made on, and loses if
    // anything changed in between (no lost updates).
    revision: integer("revision").notNull().default(1),
    claimedBy: text("claimed_by").references(() => users.id, { onDelete: "set null" }),
    claimExpiresAt: timestamp("claim_expires_at", { withTimezone: true }),
    // Whose claim someone else (an admin) released, who did and when. That reviewer's open tab is
    // refused and told so, and opening the item does not take it back for them until they ask
    // (ADR 0019). The next claim, by anyone, clears it.
    claimReleasedFrom: text("claim_released_from").references(() => users.id, {
      onDelete: "set null",
    }),
    claimReleasedBy: text("claim_released_by").references(() => users.id, { onDelete: "set null" }),
    claimReleasedAt: timestamp("claim_released_at", { withTimezone: true }),
    termsAcceptedAt: timestamp("terms_accepted_at", { withTimezone: true }).notNull(),
    // When the current version entered the queue: waiting time is measured from here.
    submittedAt: timestamp("submitted_at", { withTimezone: true }).notNull().defaultNow(),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // The submit form's idempotency key: a double click or a resent form makes one submission.
    submitKey: text("submit_key"),
  },
  (t) => [
    index("submissions_user_created_idx").on(t.userId, t.createdAt),
    uniqueIndex("submissions_submit_key_unique").on(t.submitKey),
    // The reviewers' queue: waiting items, oldest first.
    index("submissions_queue_idx")
      .on(t.submittedAt, t.id)
      .where(sql`${t.state} IN ('pending', 'in_review')`),
    // A reviewer's own claims on waiting items ("Claimed by me"), without scanning the queue.
    index("submissions_claimed_idx")
      .on(t.claimedBy)
      .where(sql`${t.state} IN ('pending', 'in_review') AND ${t.claimedBy} IS NOT NULL`),
    check("submissions_approvals_needed", sql`${t.approvalsNeeded} IN (1, 2)`),
  ],
);

export const submissionVersions = pgTable(
  "submission_versions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    submissionId: text("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    clipId: text("clip_id")
      .notNull()
      .references(() => clips.id),
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // When this version got its final decision: the published review times are measured from
    // createdAt to here.
    decidedAt: timestamp("decided_at", { withTimezone: true }),
  },
  (t) => [
    index("submission_versions_decided_idx").on(t.decidedAt),
    uniqueIndex("submission_versions_number_unique").on(t.submissionId, t.number),
    index("submission_versions_clip_idx").on(t.clipId),
  ],
);

export const reviewDecisions = pgTable(
  "review_decisions",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    submissionId: text("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    versionNumber: integer("version_number").notNull(),
    reviewerId: text("reviewer_id")
      .notNull()
      .references(() => users.id),
    decision: reviewDecision("decision").notNull(),
    reasonCategory: text("reason_category"),
    note: text("note"),
    // The content-policy checklist as the reviewer left it: [{ item, checked, failed? }], failed
    // being the items a request for changes or a rejection points at.
    checklist: jsonb("checklist").$type<ChecklistEntry[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // A reviewer decides a version once: the second approval must come from someone else.
    uniqueIndex("review_decisions_one_per_reviewer").on(
      t.submissionId,
      t.versionNumber,
      t.reviewerId,
    ),
    index("review_decisions_created_idx").on(t.createdAt),
  ],
);

export const reviewComments = pgTable(
  "review_comments",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    submissionId: text("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    versionNumber: integer("version_number").notNull(),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id),
    // The frame the comment is about (0 is the first), at the clip's own frame rate.
    frame: integer("frame").notNull(),
    // The last frame of a range, inclusive; null for a comment on one frame.
    endFrame: integer("end_frame"),
    // A drawing on `frame`: normalised vector data (app/lib/annotations.ts), checked on the way in.
    annotation: jsonb("annotation").$type<Annotation>(),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // The comment form's idempotency key: a resent comment is stored (and emailed) once.
    clientKey: text("client_key"),
    // A thread is resolved (by the artist or a reviewer) until someone reopens it.
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolvedBy: text("resolved_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("review_comments_client_key_unique").on(t.submissionId, t.clientKey),
    index("review_comments_submission_idx").on(t.submissionId, t.versionNumber, t.frame),
    check("review_comments_frame_nonnegative", sql`${t.frame} >= 0`),
    check(
      "review_comments_range_forward",
      sql`${t.endFrame} IS NULL OR ${t.endFrame} > ${t.frame}`,
    ),
  ],
);

// Answers in a comment's thread, from the artist or reviewers.
export const reviewReplies = pgTable(
  "review_replies",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    commentId: bigint("comment_id", { mode: "number" })
      .notNull()
      .references(() => reviewComments.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // The reply form's idempotency key: a resent reply is stored (and sent) once.
    clientKey: text("client_key"),
  },
  (t) => [
    uniqueIndex("review_replies_client_key_unique").on(t.commentId, t.clientKey),
    index("review_replies_comment_idx").on(t.commentId, t.createdAt),
  ],
);

export type Submission = typeof submissions.$inferSelect;
export type SubmissionVersion = typeof submissionVersions.$inferSelect;
export type ReviewDecisionRow = typeof reviewDecisions.$inferSelect;
export type ReviewComment = typeof reviewComments.$inferSelect;
export type ReviewReply = typeof reviewReplies.$inferSelect;
