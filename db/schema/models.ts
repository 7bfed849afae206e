import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { users } from "./users";

/** What a catalog model can make: the choices the studio offers with it. */
export type ModelCapabilities = {
  durations: number[];
  resolutions: string[];
  aspectRatios: string[];
};

// The model catalog (/admin/models): the models the program offers artists. Each names a
// configured provider (local, replicate, openai, fal) and the model to ask it for. The entry with
// is_default is kept in step with GENERATION_PROVIDER and its variables at every start, so a setup
// that predates the catalog works unchanged (docs/decisions/0022).
export const generationModels = pgTable(
  "generation_models",
  {
    id: text("id")
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    provider: text("provider").notNull(),
    /** The provider's own name for it: "sora-2", "owner/name", "fal-ai/…/text-to-video". */
    model: text("model").notNull(),
    displayName: text("display_name").notNull(),
    capabilities: jsonb("capabilities").$type<ModelCapabilities>().notNull(),
    takesImage: boolean("takes_image").notNull().default(false),
    /** Quota seconds charged per second of clip. */
    costMultiplier: doublePrecision("cost_multiplier").notNull().default(1),
    /** Cohorts that may use it; empty: every artist. */
    cohorts: text("cohorts")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    enabled: boolean("enabled").notNull().default(true),
    isDefault: boolean("is_default").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("generation_models_one_default")
      .on(t.isDefault)
      .where(sql`${t.isDefault}`),
    check(
      "generation_models_cost_range",
      sql`${t.costMultiplier} > 0 AND ${t.costMultiplier} <= 100`,
    ),
  ],
);

// Webhook deliveries already acted on, by the sender's delivery id: a replay is refused.
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    provider: text("provider").notNull(),
    deliveryId: text("delivery_id").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.deliveryId] })],
);

export type GenerationModel = typeof generationModels.$inferSelect;
