import { index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { cohorts } from "./access";
import { userRole, users } from "./users";

// lucia's session table. `id` holds the SHA-256 of the session token, never the token itself
// (see app/.server/auth/lucia.ts and docs/decisions/0002-lucia-sessions.md).
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

// When we end sessions on purpose (suspension, password reset) we remember why for a while, so
// the person's next request can be told what happened instead of a bare "please sign in".
export const endedSessions = pgTable(
  "ended_sessions",
  {
    id: text("id").primaryKey(),
    reason: text("reason", { enum: ["suspended", "password_reset"] }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("ended_sessions_ended_at_idx").on(t.endedAt)],
);

export const invites = pgTable(
  "invites",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    tokenHash: text("token_hash").notNull().unique(),
    email: text("email").notNull(),
    role: userRole("role").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // The cohort whose default generation access the artist gets on accepting (issue 19).
    cohortId: text("cohort_id").references(() => cohorts.id, { onDelete: "set null" }),
  },
  (t) => [
    index("invites_user_id_idx").on(t.userId),
    index("invites_created_at_idx").on(t.createdAt, t.id),
  ],
);

export const passwordResetTokens = pgTable(
  "password_reset_tokens",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    tokenHash: text("token_hash").notNull().unique(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("password_reset_tokens_user_id_idx").on(t.userId)],
);

// Fixed-window counters for throttling, kept in the database so every process sees the same
// count. One row per (bucket, key, window start).
export const rateLimitCounters = pgTable(
  "rate_limit_counters",
  {
    bucket: text("bucket").notNull(),
    key: text("key").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    hits: integer("hits").notNull().default(0),
    // When the last hit was let through: a backoff counter (hitWithBackoff) waits from here.
    lastHitAt: timestamp("last_hit_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.bucket, t.key, t.windowStart] }),
    index("rate_limit_counters_window_idx").on(t.windowStart),
  ],
);
