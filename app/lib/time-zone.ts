// Times on pages are shown in the viewer's own time zone: the one their browser reports, stored
// on their account (ADR 0023). Exports (CSV, the audit export) keep UTC.
//
// The formatters read the zone from a resolver rather than an argument, so the thirty-odd places
// that print a time stay one call. On the server the resolver is set by entry.server.tsx to read
// the request's zone from an AsyncLocalStorage (requests render concurrently); in the browser
// there is one viewer, and the root sets the zone from its loader data before any page renders,
// so the server's HTML and the first client render agree.

let resolve: () => string = () => "UTC";

/** entry.server.tsx (per request) and the root (in the browser) say where the viewer is. */
export function setTimeZoneResolver(resolver: () => string) {
  resolve = resolver;
}

export function currentTimeZone() {
  return resolve();
}

/** An IANA zone this runtime knows ("Europe/Paris", "UTC"); anything else is refused. */
export function isTimeZone(zone: string) {
  if (!zone || zone.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The browser's own zone, or UTC where it cannot tell. */
export function browserTimeZone() {
  try {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    return zone && isTimeZone(zone) ? zone : "UTC";
  } catch {
    return "UTC";
  }
}

// Formatters are made once per zone (app/lib/dates.ts explains why).
const cache = new Map<string, { dateTime: Intl.DateTimeFormat; timeOfDay: Intl.DateTimeFormat }>();

function formatsFor(zone: string) {
  let formats = cache.get(zone);
  if (!formats) {
    const timeZone = isTimeZone(zone) ? zone : "UTC";
    formats = {
      dateTime: new Intl.DateTimeFormat("en-GB", {
        day: "numeric",
        month: "short",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        timeZone,
        timeZoneName: "short",
      }),
      timeOfDay: new Intl.DateTimeFormat("en-GB", {
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        timeZone,
        timeZoneName: "short",
      }),
    };
    cache.set(zone, formats);
  }
  return formats;
}

/** "3 Nov 2026, 15:03 CET": the one date-and-time format of every page, in the viewer's zone. */
export function formatDateTime(value: string | Date, zone = currentTimeZone()) {
  return formatsFor(zone).dateTime.format(new Date(value));
}

/** "15:03:05 CET": when a figure was computed. */
export function formatTimeOfDay(value: string | Date, zone = currentTimeZone()) {
  return formatsFor(zone).timeOfDay.format(new Date(value));
}
