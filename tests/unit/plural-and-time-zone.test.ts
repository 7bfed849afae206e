import { describe, expect, it } from "vitest";
import { plural } from "~/lib/plural";
import { formatDateTime, formatTimeOfDay, isTimeZone, setTimeZoneResolver } from "~/lib/time-zone";

describe("plural", () => {
  it("says 1 payout and 2 payouts, with the plural rules of the language", () => {
    expect(plural(0, "payout")).toBe("0 payouts");
    expect(plural(1, "payout")).toBe("1 payout");
    expect(plural(2, "artist")).toBe("2 artists");
    expect(plural(1204, "artist")).toBe("1,204 artists");
    expect(plural(1, "reply", "replies")).toBe("1 reply");
    expect(plural(3, "reply", "replies")).toBe("3 replies");
  });
});

describe("times in the viewer's time zone", () => {
  const moment = "2026-11-03T14:03:05Z";

  it("formats one moment in the zone asked for, naming the zone", () => {
    expect(formatDateTime(moment, "UTC")).toBe("3 Nov 2026, 14:03 UTC");
    expect(formatDateTime(moment, "Europe/Paris")).toBe("3 Nov 2026, 15:03 CET");
    expect(formatDateTime(moment, "Asia/Tokyo")).toBe("3 Nov 2026, 23:03 GMT+9");
    // Across the date line the day changes too.
    expect(formatDateTime("2026-11-03T20:30:00Z", "Pacific/Auckland")).toBe(
      "4 Nov 2026, 09:30 GMT+13",
    );
    expect(formatTimeOfDay(moment, "America/New_York")).toBe("09:03:05 GMT-5");
  });

  it("follows summer time", () => {
    expect(formatDateTime("2026-07-01T12:00:00Z", "Europe/Paris")).toBe("1 Jul 2026, 14:00 CEST");
  });

  it("reads the zone from the resolver when none is given, and falls back to UTC for unknown zones", () => {
    setTimeZoneResolver(() => "Europe/Berlin");
    expect(formatDateTime(moment)).toBe("3 Nov 2026, 15:03 CET");
    setTimeZoneResolver(() => "Mars/Olympus_Mons");
    expect(formatDateTime(moment)).toBe("3 Nov 2026, 14:03 UTC");
    setTimeZoneResolver(() => "UTC");
  });

  it("knows a zone from a name that is not one", () => {
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
    expect(isTimeZone("")).toBe(false);
    expect(isTimeZone("x".repeat(5000))).toBe(false);
  });
});
