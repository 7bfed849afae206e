import { z } from "zod";

import { formatDay } from "~/lib/dates";
import { MAX_YEAR, MIN_YEAR } from "~/lib/validation";

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
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Choose a month.")
  .refine((v) => {
    const year = Number(v.slice(0, 4));
    return year >= MIN_YEAR && year <= MAX_YEAR;
  }, `Choose a month between ${MIN_YEAR} and ${MAX_YEAR}.`);

/** "2026-11" → "2026-12-01"; "2026-12" → "2027-01-01": the first day after the month. */
export function nextMonthStart(month: string) {
  const [year, m] = month.split("-").map(Number) as [number, number];
  return m === 12 ? `${year + 1}-01-01` : `${year}-${String(m + 1).padStart(2, "0")}-01`;
}

/** "3 Nov 2026" */
export const dayInWords = (day: string) => formatDay(day);
