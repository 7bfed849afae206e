// Publishing rights: the vocabulary and the request state machine, shared by the server (which
// enforces it) and the UI (which shows only the possible moves).
import { sortByLabel } from "./combobox";
import { formatDay } from "./dates";

export const PLATFORMS = [
  "Instagram",
  "TikTok",
  "YouTube",
  "Vimeo",
  "X",
  "Personal website",
  "Festival screening",
  "Broadcast",
  "Print",
] as const;
export type Platform = (typeof PLATFORMS)[number];

export const REQUEST_STATES = ["pending", "granted", "denied"] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export type RequestEvent = { type: "grant" } | { type: "deny" };

/** pending → granted | denied; nothing else moves. */
export function requestTransition(
  from: RequestState,
  event: RequestEvent,
): { ok: true; to: RequestState } | { ok: false; reason: string } {
  if (from !== "pending")
    return { ok: false, reason: `This request was already ${from}; nothing was changed.` };
  return { ok: true, to: event.type === "grant" ? "granted" : "denied" };
}

export type LicenseStatus = "valid" | "expired" | "revoked" | "not_started";

/** A license's status on a day (ISO date, UTC): revoked wins, then the term. */
export function licenseStatus(
  license: { revokedAt: Date | string | null; termStart: string; termEnd: string | null },
  today: string,
): LicenseStatus {
  if (license.revokedAt) return "revoked";
  if (license.termStart > today) return "not_started";
  if (license.termEnd !== null && license.termEnd < today) return "expired";
  return "valid";
}

export const LICENSE_STATUS_LABELS: Record<LicenseStatus, string> = {
  valid: "Valid",
  expired: "Expired",
  revoked: "Revoked",
  not_started: "Not yet in force",
};

/** Crockford's base 32: no I, L, O or U, so a code read aloud or retyped survives. */
export const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const LICENSE_CODE = /^GR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/**
 * Normalises what a person typed: case, spaces or missing dashes ("gr 7k2m q9xd"), and the letters
 * Crockford reads as digits. Anything else is returned as typed and fails LICENSE_CODE.
 */
export function normaliseLicenseCode(value: string) {
  const compact = value
    .toUpperCase()
    .replace(/[\s-]/g, "")
    .replace(/[IL]/g, "1")
    .replace(/O/g, "0");
  const body = compact.startsWith("GR") ? compact.slice(2) : compact;
  return body.length === 8 ? `GR-${body.slice(0, 4)}-${body.slice(4)}` : value.trim().toUpperCase();
}

// ISO 3166-1 alpha-2, for territories.
export const COUNTRIES =
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW".split(
    " ",
  );

// Made once: building Intl objects per call is slow, and a territory lists many countries.
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

export function countryName(code: string) {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** Every country as a picker lists them: by name, with the code it posts. */
export const COUNTRY_OPTIONS = sortByLabel(
  COUNTRIES.map((c) => ({ value: c, label: countryName(c) })),
);

export type Terms = {
  platforms: string[];
  otherPlatform: string | null;
  commercial: boolean;
  worldwide: boolean;
  countries: string[];
  termStart: string;
  termEnd: string | null;
};

/** The terms in one line, as emails and pages show them. */
export function termsInWords(t: Terms) {
  const where = [...t.platforms, ...(t.otherPlatform ? [t.otherPlatform] : [])].join(", ");
  const territory = t.worldwide ? "worldwide" : t.countries.map(countryName).join(", ");
  const term = `from ${formatDay(t.termStart)}${t.termEnd ? ` to ${formatDay(t.termEnd)}` : ", perpetual"}`;
  return `${where} · ${t.commercial ? "commercial" : "non-commercial"} · ${territory} · ${term}`;
}
