import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { ANOMALY_KINDS, FLAG_STATES, type AnomalyKind } from "../../app/lib/oversight";
import { users } from "./users";

// Oversight: where each account is used from, the anomalies that pattern raises, and what each
// person wants by email.

// One row per account, hour, address and browser: how many requests and sign-ins came from
// there. Enough to see "one account, thirty addresses, this hour" without logging every request.
export const accountActivity = pgTable(
  "account_activity",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    ip: text("ip").notNull(),
    userAgent: text("user_agent").notNull(),
    requests: integer("requests").notNull().default(0),
    signIns: integer("sign_ins").notNull().default(0),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.hour, t.ip, t.userAgent] }),
    index("account_activity_hour_idx").on(t.hour),
  ],
);

export const anomalyKind = pgEnum("anomaly_kind", ANOMALY_KINDS);
export const anomalyStrength = pgEnum("anomaly_strength", ["weak", "strong"]);
export const flagState = pgEnum("anomaly_flag_state", FLAG_STATES);

// A flag raised by the scan, with the evidence that raised it. One open flag per account and
// kind: a later scan updates its evidence rather than piling up duplicates.
export const anomalyFlags = pgTable(
  "anomaly_flags",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: anomalyKind("kind").notNull(),
    strength: anomalyStrength("strength").notNull(),
    evidence: jsonb("evidence").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    windowEnd: timestamp("window_end", { withTimezone: true }).notNull(),
    state: flagState("state").notNull().default("open"),
    // True when the scan suspended the account itself (ANOMALY_AUTO_SUSPEND).
    autoSuspended: boolean("auto_suspended").notNull().default(false),
    decidedBy: text("decided_by").references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("anomaly_flags_one_open")
      .on(t.userId, t.kind)
      .where(sql`${t.state} = 'open'`),
    index("anomaly_flags_state_created_idx").on(t.state, t.createdAt, t.id),
  ],
);

// Email per notification kind, per person. No row: email (the default). Security emails (invites,
// password resets, suspension) do not go through preferences at all.
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    email: boolean("email").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

export type AccountActivity = typeof accountActivity.$inferSelect;
export type AnomalyFlag = typeof anomalyFlags.$inferSelect;
export type { AnomalyKind };
export type NotificationPreference = typeof notificationPreferences.$inferSelect;
