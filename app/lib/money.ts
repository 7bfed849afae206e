// Money: the vocabulary shared by the server (which enforces it) and the UI (which shows it).
// Amounts are integers in minor units (cents) with a currency; two currencies are never added.
import { stateMachine } from "./state-machine";

export const CURRENCIES = ["USD", "EUR", "GBP", "CAD"] as const;
export type Currency = (typeof CURRENCIES)[number];
export const DEFAULT_CURRENCY: Currency = "USD";

/** Every supported currency has two decimals; a currency without them needs this table first. */
const MINOR_DIGITS: Record<Currency, number> = { USD: 2, EUR: 2, GBP: 2, CAD: 2 };

export function isCurrency(value: unknown): value is Currency {
  return typeof value === "string" && (CURRENCIES as readonly string[]).includes(value);
}

const formatters = new Map<Currency, Intl.NumberFormat>();

/** 6250, "USD" → "$62.50". Negative amounts keep their sign: "-$62.50". */
export function formatMoney(minor: number, currency: Currency | string): string {
  const code = isCurrency(currency) ? currency : DEFAULT_CURRENCY;
  let formatter = formatters.get(code);
  if (!formatter) {
    formatter = new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: code,
      minimumFractionDigits: MINOR_DIGITS[code],
    });
    formatters.set(code, formatter);
  }
  return formatter.format(minor / 10 ** MINOR_DIGITS[code]);
}

/** 6250 → "62.50": for form inputs and CSV, where the currency has its own column. */
export function minorToDecimal(minor: number): string {
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * "62.5", "62.50", "1,250" → minor units, by string arithmetic (never through a float, where
 * 0.1 + 0.2 ≠ 0.3). Null when it is not an amount with at most two decimals.
 */
export function parseMoneyInput(input: string): number | null {
  const text = input
    .trim()
    .replace(/^[$€£]/, "")
    .replace(/,/g, "");
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const minor = Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Hours are logged in quarter hours; stored as minutes so every sum stays an integer. */
export const HOURS_STEP_MINUTES = 15;
export const MAX_SESSION_MINUTES = 12 * 60;

/** "2.5" or "2:30" → 150 minutes; null unless it is a positive whole number of quarter hours. */
export function parseHoursInput(input: string): number | null {
  const text = input.trim();
  let minutes: number;
  const clock = /^(\d{1,2}):([0-5]\d)$/.exec(text);
  if (clock) minutes = Number(clock[1]) * 60 + Number(clock[2]);
  else if (/^\d{1,2}(\.\d{1,2})?$/.test(text)) minutes = Math.round(Number(text) * 60);
  else return null;
  if (minutes <= 0 || minutes % HOURS_STEP_MINUTES !== 0) return null;
  return minutes;
}

/** 150 → "2.5 hours"; 60 → "1 hour". */
export function formatMinutesAsHours(minutes: number): string {
  const hours = minutes / 60;
  return `${Number.isInteger(hours) ? hours : hours.toFixed(2).replace(/0$/, "")} hour${hours === 1 ? "" : "s"}`;
}

/**
 * What a testing session earns: the hourly rate for the minutes, rounded half up to the cent once
 * per item (so an item's amount never depends on the other items it is summed with).
 */
export function hoursEarning(minutes: number, hourlyMinor: number): number {
  return Math.floor((minutes * hourlyMinor + 30) / 60);
}

export const CONTRIBUTION_KINDS = ["hours", "feedback"] as const;
export type ContributionKind = (typeof CONTRIBUTION_KINDS)[number];
export const FEEDBACK_CATEGORIES = ["quality", "safety", "bug", "idea"] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];
export const CONTRIBUTION_STATES = ["pending", "approved", "rejected"] as const;
export type ContributionState = (typeof CONTRIBUTION_STATES)[number];

export const PROMOTION_STATES = ["asked", "accepted", "declined", "withdrawn"] as const;
export type PromotionState = (typeof PROMOTION_STATES)[number];
export const PROMOTION_CHANNELS = [
  "Program website",
  "Instagram",
  "YouTube",
  "TikTok",
  "X",
  "Newsletter",
  "Press kit",
] as const;

export const GRANT_STATES = ["awarded", "approved", "paid", "cancelled"] as const;
export type GrantState = (typeof GRANT_STATES)[number];

export const LEDGER_KINDS = ["earning", "grant", "payout", "reversal"] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const PAYOUT_STATES = ["created", "sent", "paid", "failed"] as const;
export type PayoutState = (typeof PAYOUT_STATES)[number];

/** created → sent → paid; created or sent → failed (the money returns to the balance). */
export const PAYOUT_MOVES = stateMachine<PayoutState>({
  allowed: { created: ["sent", "failed"], sent: ["paid", "failed"], paid: [], failed: [] },
  refusal: (from, to) =>
    from === to
      ? `This payout is already ${from}; nothing was changed.`
      : `A ${from} payout cannot be marked ${to}.`,
});

/** awarded → approved → paid; awarded or approved → cancelled. */
export const GRANT_MOVES = stateMachine<GrantState>({
  allowed: {
    awarded: ["approved", "cancelled"],
    approved: ["paid", "cancelled"],
    paid: [],
    cancelled: [],
  },
  refusal: (from, to) =>
    from === to
      ? `This grant is already ${from}; nothing was changed.`
      : `A ${from} grant cannot be ${to}.`,
});

/** pending → approved (it earns) or rejected (with a reason); both are final. */
export const CONTRIBUTION_MOVES = stateMachine<ContributionState>({
  allowed: { pending: ["approved", "rejected"], approved: [], rejected: [] },
  refusal: (from) => `This contribution was already ${from}; nothing was changed.`,
});

/** asked → accepted (it earns the fee), declined (by the artist) or withdrawn (by an admin). */
export const PROMOTION_MOVES = stateMachine<PromotionState>({
  allowed: {
    asked: ["accepted", "declined", "withdrawn"],
    accepted: [],
    declined: [],
    withdrawn: [],
  },
  refusal: (from) => `This request was already ${from}; nothing was changed.`,
});

/** The four priced items of a rate card, in the order they are shown. */
export const RATE_ITEMS = [
  { key: "hourlyMinor", label: "Testing session", unit: "per hour" },
  { key: "feedbackReportMinor", label: "Feedback report", unit: "per accepted report" },
  { key: "promoClipMinor", label: "Clip used in program promotion", unit: "per clip" },
  { key: "stipendMonthlyMinor", label: "Stipend", unit: "per month" },
] as const;
export type RateKey = (typeof RATE_ITEMS)[number]["key"];
