import { describe, expect, it } from "vitest";
import {
  grantInput,
  newLicenseCode,
  reasonInput,
  rightsRequestInput,
  todayUtc,
} from "~/.server/rights/requests";
import {
  CODE_ALPHABET,
  COUNTRIES,
  LICENSE_CODE,
  licenseStatus,
  normaliseLicenseCode,
  PLATFORMS,
  REQUEST_STATES,
  requestTransition,
  termsInWords,
  type RequestEvent,
  type RequestState,
} from "~/lib/rights";

const EVENTS: RequestEvent[] = [{ type: "grant" }, { type: "deny" }];

/** A valid request form as the browser sends it; `overrides` replace or (undefined) drop fields. */
const requestForm = (overrides: Record<string, unknown> = {}) => {
  const form: Record<string, unknown> = {
    platforms: ["Instagram", "Vimeo"],
    territory: "worldwide",
    termStart: "2030-03-01",
    perpetual: "on",
    creditLine: "Film by Ari Artist / Greenroom",
    ...overrides,
  };
  for (const key of Object.keys(form)) if (form[key] === undefined) delete form[key];
  return form;
};

const grantForm = (overrides: Record<string, unknown> = {}) => {
  const form: Record<string, unknown> = {
    platforms: ["Instagram"],
    territory: "countries",
    countries: ["FR"],
    termStart: "2030-03-01",
    termEnd: "2030-12-31",
    ...overrides,
  };
  for (const key of Object.keys(form)) if (form[key] === undefined) delete form[key];
  return form;
};

/** The fields a refused form names, as the route shows them next to the inputs. */
function fieldsOf(
  result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } },
  label: string,
) {
  expect(result.success, label).toBe(false);
  return [...new Set(result.error!.issues.map((i) => String(i.path[0])))].sort();
}

describe("the rights request state machine", () => {
  it("moves a pending request to granted or denied", () => {
    expect(requestTransition("pending", { type: "grant" })).toEqual({ ok: true, to: "granted" });
    expect(requestTransition("pending", { type: "deny" })).toEqual({ ok: true, to: "denied" });
  });

  it("refuses every move from a decided request, with a reason naming its state", () => {
    const decided = REQUEST_STATES.filter(
      (s): s is Exclude<RequestState, "pending"> => s !== "pending",
    );
    expect(decided).toEqual(["granted", "denied"]);
    for (const from of decided)
      for (const event of EVENTS) {
        const move = requestTransition(from, event);
        expect(move.ok, `${from} + ${event.type}`).toBe(false);
        if (!move.ok) expect(move.reason).toContain(`already ${from}`);
      }
  });
});

describe("licenseStatus", () => {
  const license = (
    termStart: string,
    termEnd: string | null,
    revokedAt: Date | string | null = null,
  ) => ({
    termStart,
    termEnd,
    revokedAt,
  });

  it("is valid within the term, counting its first and last day", () => {
    const l = license("2030-03-01", "2030-03-31");
    expect(licenseStatus(l, "2030-03-01")).toBe("valid");
    expect(licenseStatus(l, "2030-03-15")).toBe("valid");
    expect(licenseStatus(l, "2030-03-31")).toBe("valid");
  });

  it("is not yet in force before the start and expired after the end", () => {
    const l = license("2030-03-01", "2030-03-31");
    expect(licenseStatus(l, "2030-02-28")).toBe("not_started");
    expect(licenseStatus(l, "2030-04-01")).toBe("expired");
    expect(licenseStatus(l, "2031-01-01")).toBe("expired");
  });

  it("never expires when perpetual", () => {
    const l = license("2030-03-01", null);
    expect(licenseStatus(l, "2030-02-28")).toBe("not_started");
    expect(licenseStatus(l, "2030-03-01")).toBe("valid");
    expect(licenseStatus(l, "2999-12-31")).toBe("valid");
  });

  it("is revoked whatever the term says, as a Date or as text", () => {
    for (const revokedAt of [new Date("2030-03-10T12:00:00Z"), "2030-03-10 12:00:00+00"]) {
      expect(licenseStatus(license("2030-03-01", "2030-03-31", revokedAt), "2030-03-15")).toBe(
        "revoked",
      );
      expect(licenseStatus(license("2030-03-01", "2030-03-31", revokedAt), "2030-02-01")).toBe(
        "revoked",
      );
      expect(licenseStatus(license("2030-03-01", "2030-03-31", revokedAt), "2031-01-01")).toBe(
        "revoked",
      );
      expect(licenseStatus(license("2030-03-01", null, revokedAt), "2030-03-15")).toBe("revoked");
    }
  });
});

describe("license codes", () => {
  it("newLicenseCode draws GR-XXXX-XXXX in Crockford's alphabet, differently each time", () => {
    const codes = Array.from({ length: 5000 }, () => newLicenseCode());
    for (const code of codes) expect(code).toMatch(LICENSE_CODE);
    // 40 random bits: 5,000 draws practically never repeat (p ≈ 1e-5).
    expect(new Set(codes).size).toBe(codes.length);
    // Every letter of the alphabet turns up, and nothing outside it.
    const seen = new Set(codes.flatMap((c) => c.slice(3).replace("-", "").split("")));
    expect([...seen].sort().join("")).toBe([...CODE_ALPHABET].sort().join(""));
    for (const letter of ["I", "L", "O", "U"]) expect(seen.has(letter)).toBe(false);
  });

  it("the pattern refuses anything but the exact shape", () => {
    expect(LICENSE_CODE.test("GR-7K2M-Q9XD")).toBe(true);
    for (const bad of [
      "gr-7k2m-q9xd",
      "GR-7K2M-Q9X",
      "GR-7K2M-Q9XDD",
      "GR7K2MQ9XD",
      "XX-7K2M-Q9XD",
      "GR-7K2U-Q9XD",
      "GR-7K2I-Q9XD",
      " GR-7K2M-Q9XD",
      "GR-7K2M-Q9XD\n",
      "",
    ])
      expect(LICENSE_CODE.test(bad), bad).toBe(false);
  });

  it("normaliseLicenseCode forgives case, surrounding spaces and the letters read as digits", () => {
    expect(normaliseLicenseCode("gr-7k2m-q9xd")).toBe("GR-7K2M-Q9XD");
    expect(normaliseLicenseCode("  GR-7K2M-Q9XD \n")).toBe("GR-7K2M-Q9XD");
    expect(normaliseLicenseCode("GR-1ILO-0OLI")).toBe("GR-1110-0011");
    expect(normaliseLicenseCode(" gr-il0o-loi1 ")).toBe("GR-1100-1011");
    expect(normaliseLicenseCode("gr-1ilo-0oli")).toMatch(LICENSE_CODE);
    // Spaces instead of dashes, or none at all, as people read codes out.
    expect(normaliseLicenseCode("gr 7k2m q9xd")).toBe("GR-7K2M-Q9XD");
    expect(normaliseLicenseCode("GR7K2MQ9XD")).toBe("GR-7K2M-Q9XD");
    expect(normaliseLicenseCode("GR-7K2M-Q9X")).not.toMatch(LICENSE_CODE);
    // U stays U: it is not in the alphabet, so the code stays malformed rather than guessed.
    expect(normaliseLicenseCode("GR-UUUU-0000")).not.toMatch(LICENSE_CODE);
    for (let i = 0; i < 200; i++) {
      const code = newLicenseCode();
      expect(normaliseLicenseCode(code)).toBe(code);
      expect(normaliseLicenseCode(` ${code.toLowerCase()} `)).toBe(code);
    }
  });
});

describe("termsInWords", () => {
  it("says where, how, in which territory and for how long", () => {
    expect(
      termsInWords({
        platforms: ["Instagram", "Vimeo"],
        otherPlatform: null,
        commercial: false,
        worldwide: true,
        countries: [],
        termStart: "2026-12-01",
        termEnd: null,
      }),
    ).toBe("Instagram, Vimeo · non-commercial · worldwide · from 1 Dec 2026, perpetual");
    expect(
      termsInWords({
        platforms: ["YouTube"],
        otherPlatform: "Patreon",
        commercial: true,
        worldwide: false,
        countries: ["FR", "DE"],
        termStart: "2030-01-05",
        termEnd: "2030-06-30",
      }),
    ).toBe("YouTube, Patreon · commercial · France, Germany · from 5 Jan 2030 to 30 Jun 2030");
  });

  it("names an other platform alone when no listed platform is chosen", () => {
    expect(
      termsInWords({
        platforms: [],
        otherPlatform: "A gallery wall",
        commercial: false,
        worldwide: false,
        countries: ["JP"],
        termStart: "2030-02-28",
        termEnd: "2030-02-28",
      }),
    ).toBe("A gallery wall · non-commercial · Japan · from 28 Feb 2030 to 28 Feb 2030");
  });
});

describe("rightsRequestInput", () => {
  it("turns a complete form into terms: one platform list, sorted countries, null for perpetual", () => {
    const parsed = rightsRequestInput.parse(
      requestForm({
        platforms: ["Vimeo", "Instagram", "Vimeo"],
        otherPlatform: "  Patreon ",
        commercial: "on",
        territory: "countries",
        countries: ["FR", "DE", "FR"],
        perpetual: undefined,
        termEnd: "2030-09-30",
        masterNeeded: "on",
        masterReason: "Cinema projection needs a clean file.",
        requestKey: "9c1d2d9e-4a4b-4f7a-9a33-0b2d4b4c5e6f",
      }),
    );
    expect(parsed).toEqual({
      platforms: ["Vimeo", "Instagram"],
      otherPlatform: "Patreon",
      commercial: true,
      worldwide: false,
      countries: ["DE", "FR"],
      termStart: "2030-03-01",
      termEnd: "2030-09-30",
      creditLine: "Film by Ari Artist / Greenroom",
      masterNeeded: true,
      masterReason: "Cinema projection needs a clean file.",
      requestKey: "9c1d2d9e-4a4b-4f7a-9a33-0b2d4b4c5e6f",
    });
  });

  it("reads single values, unchecked boxes and worldwide the way a form sends them", () => {
    const parsed = rightsRequestInput.parse(
      requestForm({
        platforms: "TikTok",
        countries: ["FR"],
        termEnd: "2031-01-01",
        masterReason: "not needed",
        otherPlatform: "   ",
        requestKey: "not-a-uuid",
      }),
    );
    expect(parsed.platforms).toEqual(["TikTok"]);
    expect(parsed.otherPlatform).toBeNull();
    expect(parsed.commercial).toBe(false);
    // Worldwide drops the countries; perpetual drops the end date.
    expect(parsed.worldwide).toBe(true);
    expect(parsed.countries).toEqual([]);
    expect(parsed.termEnd).toBeNull();
    // No master asked: no reason kept. A malformed key is dropped, not an error.
    expect(parsed.masterNeeded).toBe(false);
    expect(parsed.masterReason).toBeNull();
    expect(parsed.requestKey).toBeUndefined();
  });

  it("accepts an other platform alone", () => {
    const parsed = rightsRequestInput.parse(
      requestForm({ platforms: undefined, otherPlatform: "Gallery wall" }),
    );
    expect(parsed.platforms).toEqual([]);
    expect(parsed.otherPlatform).toBe("Gallery wall");
  });

  it("names the field of each mistake", () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ platforms: undefined }, ["platforms"]],
      [{ platforms: "" }, ["platforms"]],
      [{ platforms: ["Instagram", "Myspace"] }, ["platforms"]],
      [{ territory: "countries" }, ["countries"]],
      [{ territory: "countries", countries: [] }, ["countries"]],
      [{ territory: "countries", countries: ["FR", "XX"] }, ["countries"]],
      [{ territory: "countries", countries: ["fr"] }, ["countries"]],
      [{ territory: undefined }, ["territory"]],
      [{ territory: "everywhere" }, ["territory"]],
      [{ termStart: undefined }, ["termStart"]],
      [{ termStart: "1 March 2030" }, ["termStart"]],
      [{ termStart: "2030-13-01" }, ["termStart"]],
      [{ termStart: "2030-02-30" }, ["termStart"]],
      [{ perpetual: undefined }, ["termEnd"]],
      [{ perpetual: undefined, termEnd: "" }, ["termEnd"]],
      [{ perpetual: undefined, termEnd: "2030-02-28" }, ["termEnd"]],
      [{ perpetual: undefined, termEnd: "2030-04-31" }, ["termEnd"]],
      [{ masterNeeded: "on" }, ["masterReason"]],
      [{ masterNeeded: "on", masterReason: "   " }, ["masterReason"]],
      [{ masterNeeded: "on", masterReason: "x".repeat(1001) }, ["masterReason"]],
      [{ creditLine: undefined }, ["creditLine"]],
      [{ creditLine: "   " }, ["creditLine"]],
      [{ creditLine: "x".repeat(201) }, ["creditLine"]],
      [{ otherPlatform: "x".repeat(81) }, ["otherPlatform"]],
    ];
    for (const [overrides, fields] of cases)
      expect(
        fieldsOf(rightsRequestInput.safeParse(requestForm(overrides)), JSON.stringify(overrides)),
        JSON.stringify(overrides),
      ).toEqual(fields);
  });

  it("reports several mistakes at once", () => {
    const result = rightsRequestInput.safeParse({
      territory: "countries",
      termStart: "2030-03-01",
      creditLine: "Ari",
      masterNeeded: "on",
    });
    expect(fieldsOf(result, "several")).toEqual([
      "countries",
      "masterReason",
      "platforms",
      "termEnd",
    ]);
  });

  it("takes a same-day term, and every listed platform and country", () => {
    expect(
      rightsRequestInput.safeParse(requestForm({ perpetual: undefined, termEnd: "2030-03-01" }))
        .success,
    ).toBe(true);
    const all = rightsRequestInput.parse(
      requestForm({ platforms: [...PLATFORMS], territory: "countries", countries: [...COUNTRIES] }),
    );
    expect(all.platforms).toHaveLength(PLATFORMS.length);
    expect(all.countries).toHaveLength(COUNTRIES.length);
    expect(COUNTRIES).toContain("GB");
    expect(COUNTRIES).toHaveLength(new Set(COUNTRIES).size);
  });
});

describe("grantInput", () => {
  it("turns the admin's form into terms with the master decision", () => {
    expect(
      grantInput.parse(
        grantForm({ countries: ["FR", "BE"], masterAllowed: "on", commercial: "on" }),
      ),
    ).toEqual({
      platforms: ["Instagram"],
      otherPlatform: null,
      commercial: true,
      worldwide: false,
      countries: ["BE", "FR"],
      termStart: "2030-03-01",
      termEnd: "2030-12-31",
      masterAllowed: true,
    });
    const perpetual = grantInput.parse(
      grantForm({ territory: "worldwide", perpetual: "on", termEnd: "" }),
    );
    expect(perpetual).toMatchObject({
      worldwide: true,
      countries: [],
      termEnd: null,
      commercial: false,
      masterAllowed: false,
    });
  });

  it("refuses an incomplete or impossible grant, naming the field", () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ platforms: undefined }, ["platforms"]],
      [{ platforms: ["Friendster"] }, ["platforms"]],
      [{ countries: undefined }, ["countries"]],
      [{ countries: ["ZZ"] }, ["countries"]],
      [{ termEnd: undefined }, ["termEnd"]],
      [{ termEnd: "2030-02-01" }, ["termEnd"]],
      [{ termStart: "" }, ["termStart"]],
    ];
    for (const [overrides, fields] of cases)
      expect(
        fieldsOf(grantInput.safeParse(grantForm(overrides)), JSON.stringify(overrides)),
        JSON.stringify(overrides),
      ).toEqual(fields);
  });
});

describe("reasonInput and todayUtc", () => {
  it("a reason is trimmed, present and not too long", () => {
    expect(reasonInput.parse("  Third-party music in the soundtrack. ")).toBe(
      "Third-party music in the soundtrack.",
    );
    expect(reasonInput.safeParse("   ").success).toBe(false);
    expect(reasonInput.safeParse(undefined).success).toBe(false);
    expect(reasonInput.safeParse("x".repeat(1001)).success).toBe(false);
  });

  it("todayUtc is the UTC calendar day", () => {
    expect(todayUtc(new Date("2030-03-01T23:59:59-05:00"))).toBe("2030-03-02");
    expect(todayUtc(new Date("2030-03-01T00:00:00Z"))).toBe("2030-03-01");
  });
});
