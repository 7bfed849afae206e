import { sql } from "drizzle-orm";
import {
  boolean,
  date,
  index,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { REQUEST_STATES } from "../../app/lib/rights";
import { clips } from "./generation";
import { submissions } from "./review";
import { users } from "./users";

export const rightsRequestState = pgEnum("rights_request_state", REQUEST_STATES);

// An artist's request to publish an approved submission: where, how, for how long.
export const rightsRequests = pgTable(
  "rights_requests",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    submissionId: text("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    platforms: text("platforms").array().notNull(),
    otherPlatform: text("other_platform"),
    commercial: boolean("commercial").notNull(),
    worldwide: boolean("worldwide").notNull(),
    countries: text("countries").array().notNull(),
    termStart: date("term_start", { mode: "string" }).notNull(),
    // Null: perpetual.
    termEnd: date("term_end", { mode: "string" }),
    creditLine: text("credit_line").notNull(),
    masterNeeded: boolean("master_needed").notNull(),
    masterReason: text("master_reason"),
    state: rightsRequestState("state").notNull().default("pending"),
    decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    // True when the system granted it (trusted tier, non-commercial).
    autoGranted: boolean("auto_granted").notNull().default(false),
    denyReason: text("deny_reason"),
    // The form's idempotency key.
    requestKey: text("request_key"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One open request per submission, however many tabs send one.
    uniqueIndex("rights_requests_one_open")
      .on(t.submissionId)
      .where(sql`${t.state} = 'pending'`),
    uniqueIndex("rights_requests_request_key_unique").on(t.requestKey),
    index("rights_requests_queue_idx")
      .on(t.createdAt, t.id)
      .where(sql`${t.state} = 'pending'`),
    index("rights_requests_user_idx").on(t.userId, t.createdAt),
  ],
);

// What was granted: the terms (possibly narrower than asked) under a short public code.
export const licenses = pgTable(
  "licenses",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    code: text("code").notNull(),
    requestId: text("request_id")
      .notNull()
      .references(() => rightsRequests.id, { onDelete: "cascade" }),
    submissionId: text("submission_id")
      .notNull()
      .references(() => submissions.id, { onDelete: "cascade" }),
    clipId: text("clip_id")
      .notNull()
      .references(() => clips.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    platforms: text("platforms").array().notNull(),
    otherPlatform: text("other_platform"),
    commercial: boolean("commercial").notNull(),
    worldwide: boolean("worldwide").notNull(),
    countries: text("countries").array().notNull(),
    termStart: date("term_start", { mode: "string" }).notNull(),
    termEnd: date("term_end", { mode: "string" }),
    creditLine: text("credit_line").notNull(),
    masterAllowed: boolean("master_allowed").notNull(),
    // Null: granted by the system (trusted tier).
    grantedBy: text("granted_by").references(() => users.id, { onDelete: "set null" }),
    grantedAt: timestamp("granted_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedBy: text("revoked_by").references(() => users.id, { onDelete: "set null" }),
    revokeReason: text("revoke_reason"),
  },
  (t) => [
    uniqueIndex("licenses_code_unique").on(t.code),
    uniqueIndex("licenses_request_unique").on(t.requestId),
    index("licenses_user_idx").on(t.userId, t.grantedAt),
    index("licenses_clip_idx").on(t.clipId),
  ],
);

export type RightsRequest = typeof rightsRequests.$inferSelect;
export type License = typeof licenses.$inferSelect;
