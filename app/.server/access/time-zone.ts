import { eq } from "drizzle-orm";
import { z } from "zod";
import { isTimeZone } from "~/lib/time-zone";
import { users } from "~db/schema";
import type { ActingUser } from "../auth/guards";
import type { Db } from "../db";

export const timeZoneInput = z.object({
  timeZone: z
    .string()
    .trim()
    .refine(isTimeZone, { message: "That is not a time zone this server knows." }),
});

/**
 * Remembers the zone the person's browser reported, so every page (and the next sign-in on
 * another device, until that device reports its own) shows times there. Only one's own.
 */
export async function rememberTimeZone(db: Db, by: ActingUser, timeZone: string) {
  await db.update(users).set({ timeZone }).where(eq(users.id, by.id));
  return { timeZone };
}
