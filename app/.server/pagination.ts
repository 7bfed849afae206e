// Keyset cursors over (timestamp, uuid) pairs. The time is PostgreSQL's own text of the value
// (select it as `column::text`), so microseconds survive the round trip through the address bar.

export type TimeCursor = { at: string; id: string };

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeTimeCursor(at: string, id: string) {
  return `${at}_${id}`;
}

/** A cursor from the address bar, or null when it is missing or malformed. */
export function decodeTimeCursor(value: string | null | undefined): TimeCursor | null {
  if (!value) return null;
  const split = value.lastIndexOf("_");
  const at = value.slice(0, split);
  const id = value.slice(split + 1);
  if (!CURSOR_TIME.test(at) || !UUID.test(id)) return null;
  return { at, id };
}
