// Calendar days ("2026-11-03", UTC) in words, the same on every page and in every email.
//
// Formatters are made once: toLocaleDateString with options builds a new Intl.DateTimeFormat on
// every call, which made a chart's thirty day labels a fifth of the dashboard's render time.

const dayFormats = {
  short: new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  }),
  long: new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }),
};

/** "3 Nov 2026", or "3 November 2026" with `month: "long"`. */
export function formatDay(day: string, month: "short" | "long" = "short") {
  return dayFormats[month].format(new Date(`${day}T00:00:00Z`));
}

/** The UTC day of a moment, in words, as formatDay writes it: "3 November 2026" by default. */
export function formatDate(moment: Date, month: "short" | "long" = "long") {
  return dayFormats[month].format(moment);
}
