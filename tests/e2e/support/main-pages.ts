import { expect, type Page } from "@playwright/test";
import { ADMIN, REVIEWER } from "./auth";

// Every main page as each role opens it, shared by the phone and the colour-scheme specs.

export const ARTIST = { email: "artist@greenroom.test", name: "Ari Artist" };

export const ROLES = [
  ["artist", ARTIST],
  ["reviewer", REVIEWER],
  ["admin", ADMIN],
] as const;

export type Role = (typeof ROLES)[number][0];

/** Pages found by following the first link that matches, so the specs need no seeded ids. */
export type Visit = string | { from: string; link: string };

export const PAGES: Record<Role, Visit[]> = {
  artist: [
    "/",
    "/studio",
    { from: "/studio", link: 'a[href^="/studio/clips/"]' },
    "/submissions",
    { from: "/submissions", link: 'a[href^="/submissions/"]' },
    "/rights",
    "/earnings",
    "/notifications",
    "/settings/notifications",
    "/provenance",
  ],
  reviewer: [
    "/review",
    { from: "/review", link: 'a[href^="/review/"]:not([href*="compare"])' },
    "/provenance",
  ],
  admin: [
    "/admin",
    "/admin/people",
    { from: "/admin/people", link: 'a[href^="/admin/people/"]' },
    "/admin/invites",
    "/admin/rights",
    "/admin/money",
    "/admin/money/rates",
    "/admin/money/grants",
    "/admin/money/promotions",
    "/admin/money/payouts",
    { from: "/admin/money/payouts", link: 'a[href^="/admin/money/payouts/"]:not([href$=".csv"])' },
    "/admin/money/ledger",
    "/admin/flags",
    "/admin/audit",
    "/admin/outbox",
  ],
};

/** A test title for a visit: the path, or "the first <link> on <page>". */
export function visitName(visit: Visit) {
  return typeof visit === "string" ? visit : `first ${visit.link} on ${visit.from}`;
}

/** Opens the page (following the link for a found one) and returns its path. */
export async function open(page: Page, visit: Visit) {
  if (typeof visit === "string") {
    await page.goto(visit);
    return visit;
  }
  await page.goto(visit.from);
  const href = await page.locator(visit.link).first().getAttribute("href");
  expect(href, `a link ${visit.link} on ${visit.from}`).toBeTruthy();
  await page.goto(href!);
  return href!;
}

/**
 * A review item opened with JavaScript claims itself for the reviewer. Waits for that claim and
 * gives the item back, so the specs after this one find the queue as it was seeded.
 */
export async function giveBackReviewItem(page: Page) {
  await expect(page.getByText("You are reviewing this")).toBeVisible();
  await page.getByRole("button", { name: "Stop reviewing" }).click();
  await expect(page).toHaveURL("/review");
}

/** Whether the page is one review item (where opening it claimed it). */
export const isReviewItem = (page: Page) => /^\/review\/[^/]+$/.test(new URL(page.url()).pathname);
