import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { QUOTA_REQUEST_STATES } from "../../app/lib/quota-requests";
import { resolutionEnum } from "./generation";
import { users } from "./users";

// A cohort: a group of artists invited together, and the generation access each of them gets the
// moment they accept an invite naming it. Changing a cohort later changes nobody's settings: the
// defaults are copied once, and an admin tunes a person on their own page.
export const cohorts = pgTable(
  "cohorts",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    name: text("name").notNull(),
    monthlyQuotaSeconds: integer("monthly_quota_seconds").notNull(),
    maxDurationSeconds: integer("max_duration_seconds").notNull(),
    maxResolution: resolutionEnum("max_resolution").notNull(),
    maxConcurrentJobs: integer("max_concurrent_jobs").notNull(),
    accessFrom: timestamp("access_from", { withTimezone: true }),
    accessUntil: timestamp("access_until", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("cohorts_name_lower_unique").on(sql`lower(${t.name})`),
    check("cohorts_quota_nonnegative", sql`${t.monthlyQuotaSeconds} >= 0`),
    check("cohorts_duration_positive", sql`${t.maxDurationSeconds} > 0`),
    check("cohorts_concurrency_positive", sql`${t.maxConcurrentJobs} > 0`),
    check(
      "cohorts_window_ordered",
      sql`${t.accessFrom} IS NULL OR ${t.accessUntil} IS NULL OR ${t.accessFrom} < ${t.accessUntil}`,
    ),
  ],
);

export const quotaRequestState = pgEnum("quota_request_state", QUOTA_REQUEST_STATES);

// "More seconds, please": an artist's request, and the admin's answer. Granted seconds add to the
// quota of the month the answer was given in (quota.ts reads them with the ledger).
export const quotaRequests = pgTable(
  "quota_requests",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    requestedSeconds: integer("requested_seconds").notNull(),
    reason: text("reason").notNull(),
    state: quotaRequestState("state").notNull().default("open"),
    grantedSeconds: integer("granted_seconds"),
    note: text("note"),
    // The quota month the granted seconds belong to ("2026-12-01"), set with the answer.
    month: text("month"),
    decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One open request per artist: a second would only split the admins' attention.
    uniqueIndex("quota_requests_one_open")
      .on(t.userId)
      .where(sql`${t.state} = 'open'`),
    index("quota_requests_state_created_idx").on(t.state, t.createdAt),
    index("quota_requests_user_month_idx").on(t.userId, t.month),
    check("quota_requests_requested_positive", sql`${t.requestedSeconds} > 0`),
    check(
      "quota_requests_granted_range",
      sql`${t.grantedSeconds} IS NULL OR (${t.grantedSeconds} >= 0 AND ${t.grantedSeconds} <= ${t.requestedSeconds})`,
    ),
  ],
);

export type Cohort = typeof cohorts.$inferSelect;
export type QuotaRequest = typeof quotaRequests.$inferSelect;
