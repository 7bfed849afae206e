import { UserError } from "./errors";

// Keyset cursors over (timestamp, uuid) pairs. The time is PostgreSQL's own text of the value
// (select it as `column::text`), so microseconds survive the round trip through the address bar.

export type TimeCursor = { at: string; id: string };

const CURSOR =
  /^((\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function encodeTimeCursor(at: string, id: string) {
  return `${at}_${id}`;
}

/**
 * A cursor from the address bar, or null when it is missing or malformed. The moment must exist
 * too: PostgreSQL would fail on the cast of a date like 2030-02-30 (a 500, not a bad link).
 */
export function decodeTimeCursor(value: string | null | undefined): TimeCursor | null {
  if (!value) return null;
  const match = CURSOR.exec(value);
  if (!match) return null;
  const part = (i: number) => Number(match[i] ?? 0);
  const [y, mo, d, h, mi, s, offsetHours, offsetMinutes] = [2, 3, 4, 5, 6, 7, 8, 9].map(part) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const day = new Date(Date.UTC(y, mo - 1, d));
  const real =
    y >= 1 &&
    day.getUTCFullYear() === y &&
    day.getUTCMonth() === mo - 1 &&
    day.getUTCDate() === d &&
    h <= 23 &&
    mi <= 59 &&
    s <= 59 &&
    offsetHours <= 15 &&
    offsetMinutes <= 59;
  return real ? { at: match[1]!, id: match[10]! } : null;
}

/** Like decodeTimeCursor, but a cursor that is there and wrong is a 400 the person reads. */
export function requireTimeCursor(
  value: string | null | undefined,
  message = "That page link is not valid.",
): TimeCursor | null {
  if (!value) return null;
  const cursor = decodeTimeCursor(value);
  if (!cursor) throw new UserError(message, 400, "cursor");
  return cursor;
}
