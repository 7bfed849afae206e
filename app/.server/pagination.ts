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

// Keyset cursors over (name, id) pairs: lists in name order (the payout preview, a batch's
// payouts). Opaque in the address bar (base64url of a two-string JSON array).

export type NameCursor = { name: string; id: string };

export function encodeNameCursor(name: string, id: string) {
  return Buffer.from(JSON.stringify([name, id]), "utf8").toString("base64url");
}

/** A (name, id) cursor from the address bar; one that is there and wrong is a 400. */
export function requireNameCursor(
  value: string | null | undefined,
  message = "That page link is not valid.",
): NameCursor | null {
  if (!value) return null;
  const bad = () => new UserError(message, 400, "cursor");
  if (value.length > 700 || !/^[A-Za-z0-9_-]+$/.test(value)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== "string" ||
    typeof parsed[1] !== "string" ||
    parsed[0].length > 300 ||
    parsed[1].length < 1 ||
    parsed[1].length > 64 ||
    parsed.some((p) => (p as string).includes("\0"))
  )
    throw bad();
  return { name: parsed[0], id: parsed[1] };
}
