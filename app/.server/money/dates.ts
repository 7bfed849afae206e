import { z } from "zod";

import { formatDay } from "~/lib/dates";

export { isoDay } from "~/lib/validation";

// Money is dated by calendar day (UTC): the day an item belongs to decides its rate.

export function todayUtc(now = new Date()) {
  return now.toISOString().slice(0, 10);
}

/** "2026-11" for a day or an instant. */
export function monthOf(day: string) {
  return day.slice(0, 7);
}

export const isoMonth = z
  .string({ error: "Choose a month." })
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Choose a month.");

/** "3 Nov 2026" */
export const dayInWords = (day: string) => formatDay(day);
