import { describe, expect, it } from "vitest";
import { decodeTimeCursor, encodeTimeCursor, requireTimeCursor } from "~/.server/pagination";

const id = "0b7f5d0e-3c1a-4e7b-9a55-2f6d1c8e9a10";

describe("keyset cursors", () => {
  it("round-trip PostgreSQL's text of a time, microseconds and offset included", () => {
    for (const at of [
      "2026-11-21 21:40:12.123456+00",
      "2026-02-28 00:00:00+05:30",
      "2024-02-29 23:59:59.5-08",
    ])
      expect(decodeTimeCursor(encodeTimeCursor(at, id))).toEqual({ at, id });
  });

  it("refuse shapes and moments that do not exist, before PostgreSQL could fail on them", () => {
    for (const bad of [
      `2030-02-30 10:00:00+00_${id}`,
      `2025-02-29 10:00:00+00_${id}`,
      `2026-11-21 24:00:00+00_${id}`,
      `2026-11-21 10:60:00+00_${id}`,
      `2026-11-21 10:00:00+16_${id}`,
      `2026-11-21 10:00:00+00_not-a-uuid`,
      `2026-11-21T10:00:00Z_${id}`,
      "garbage",
      `_${id}`,
    ]) {
      expect(decodeTimeCursor(bad), bad).toBeNull();
      expect(() => requireTimeCursor(bad), bad).toThrow(/not valid/);
    }
    expect(decodeTimeCursor(null)).toBeNull();
    expect(requireTimeCursor("")).toBeNull();
  });
});
