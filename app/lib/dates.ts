// Calendar days ("2026-11-03", UTC) in words, the same on every page and in every email.

/** "3 Nov 2026", or "3 November 2026" with `month: "long"`. */
export function formatDay(day: string, month: "short" | "long" = "short") {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month,
    year: "numeric",
    timeZone: "UTC",
  });
}
