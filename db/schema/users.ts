import { sql } from "drizzle-orm";
import { index, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const userRole = pgEnum("user_role", ["artist", "reviewer", "admin"]);
export const userStatus = pgEnum("user_status", ["invited", "active", "suspended"]);
export const trustTier = pgEnum("trust_tier", ["standard", "trusted"]);

export const users = pgTable(
  "users",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    email: text("email").notNull(),
    displayName: text("display_name").notNull().default(""),
    // Null until the person accepts their invite and chooses a password.
    passwordHash: text("password_hash"),
    role: userRole("role").notNull().default("artist"),
    status: userStatus("status").notNull().default("invited"),
    trustTier: trustTier("trust_tier").notNull().default("standard"),
    statusReason: text("status_reason"),
    // The IANA time zone the person's browser reported last (e.g. "Europe/Paris"); pages show
    // times in it. Null until their first signed-in page load: UTC meanwhile.
    timeZone: text("time_zone"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One account per address, whatever the case the address was typed in.
    uniqueIndex("users_email_lower_unique").on(sql`lower(${t.email})`),
    index("users_role_status_idx").on(t.role, t.status),
    index("users_created_at_idx").on(t.createdAt, t.id),
    // Lists of people in name order, a keyset page at a time (payout preview, batch pages).
    index("users_display_name_idx").on(t.displayName, t.id),
  ],
);

export type User = typeof users.$inferSelect;
export type Role = (typeof userRole.enumValues)[number];
export type UserStatus = (typeof userStatus.enumValues)[number];
export type TrustTier = (typeof trustTier.enumValues)[number];
