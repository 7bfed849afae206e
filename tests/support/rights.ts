import { eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Db } from "~/.server/db";
import { claimSubmission, decide, decisionInput } from "~/.server/review/reviewing";
import { submitClip, submitInput } from "~/.server/review/submissions";
import {
  grantInput,
  grantRequest,
  requestRights,
  rightsRequestInput,
} from "~/.server/rights/requests";
import { DEFAULT_CHECKLIST, type IntendedUse } from "~/lib/review";
import { submissions, type User } from "~db/schema";
import { acting, APP_URL, createUser } from "./factories";
import { createFinishedClip } from "./generation";

/** "Today" for rights tests, so the terms asked (most of 2030) are never in the past. */
export const RIGHTS_NOW = new Date("2030-01-15T12:00:00Z");

const CHECKLIST = [...DEFAULT_CHECKLIST];

type Overrides = Record<string, unknown>;

/**
 * The steps rights tests take again and again, on the file's test database (read at each call,
 * so this can be set up beside `useTestDatabase()`). `defaults` are added to every `ask()` and
 * `grantOf()`, under the test's own overrides.
 */
export function rightsFixtures(
  t: { readonly db: Db },
  defaults: { ask?: Overrides; grant?: Overrides } = {},
) {
  /** What the artist asks: two platforms, two countries, most of 2030. */
  const ask = (overrides: Overrides = {}) =>
    rightsRequestInput.parse({
      platforms: ["Instagram", "Vimeo"],
      territory: "countries",
      countries: ["FR", "DE"],
      termStart: "2030-02-01",
      termEnd: "2030-12-31",
      creditLine: "Ari Artist / Greenroom",
      ...defaults.ask,
      ...overrides,
    });

  /** A grant of exactly what `ask()` asks, unless overridden. */
  const grantOf = (overrides: Overrides = {}) =>
    grantInput.parse({
      platforms: ["Instagram", "Vimeo"],
      territory: "countries",
      countries: ["FR", "DE"],
      termStart: "2030-02-01",
      termEnd: "2030-12-31",
      ...defaults.grant,
      ...overrides,
    });

  const requestAs = (artist: User, submissionId: string, overrides: Overrides = {}) =>
    requestRights(t.db, acting(artist), submissionId, ask(overrides), {
      appUrl: APP_URL,
      now: RIGHTS_NOW,
    });

  const grantAs = (admin: User, requestId: string, overrides: Overrides = {}) =>
    grantRequest(t.db, acting(admin), requestId, grantOf(overrides), { appUrl: APP_URL });

  async function submission(id: string) {
    const [s] = await t.db.select().from(submissions).where(eq(submissions.id, id));
    return s!;
  }

  /** A real clip of `artist`, submitted for review. */
  async function submitted(artist: User, use: IntendedUse = "portfolio", title = "Salt flats") {
    const { clip } = await createFinishedClip(t.db, artist);
    const s = await submitClip(
      t.db,
      acting(artist),
      submitInput.parse({
        clipId: clip.id,
        title,
        description: "Wide shots at noon.",
        intendedUse: use,
        channels: ["YouTube"],
        agreeTerms: "on",
      }),
    );
    return { ...s, clipId: clip.id };
  }

  /** Claims the submission and decides on its current version; other than approving needs a note. */
  async function decideAs(reviewer: User, id: string, decision: string, note?: string) {
    await claimSubmission(t.db, acting(reviewer), id);
    const s = await submission(id);
    return decide(
      t.db,
      acting(reviewer),
      id,
      decisionInput.parse({
        decision,
        checklist: CHECKLIST,
        version: String(s.currentVersion),
        state: s.state,
        ...(note ? { reasonCategory: "Other", note } : {}),
      }),
      { checklist: CHECKLIST, appUrl: APP_URL },
    );
  }

  /** Approved through review: one approval, or two (different reviewers) for commercial use. */
  async function approvedThroughReview(
    artist: User,
    use: IntendedUse = "portfolio",
    title = "Salt flats",
  ) {
    const s = await submitted(artist, use, title);
    for (let i = 0; i < (use === "commercial" ? 2 : 1); i++)
      await decideAs(await createUser(t.db, { role: "reviewer" }), s.id, "approve");
    const row = await submission(s.id);
    expect(row.state).toBe("approved");
    return row;
  }

  /** Approved by setting the state, for tests about what comes after review. */
  async function markedApproved(artist: User, title = "Salt flats") {
    const s = await submitted(artist, "portfolio", title);
    await t.db
      .update(submissions)
      .set({ state: "approved", decidedAt: new Date() })
      .where(eq(submissions.id, s.id));
    return { id: s.id, clipId: s.clipId };
  }

  /** A submission of `artist` marked approved, asked for and granted: its license. */
  async function licensed(artist: User, admin: User, title = "Salt flats") {
    const s = await markedApproved(artist, title);
    const { request } = await requestAs(artist, s.id);
    const { license } = await grantAs(admin, request.id);
    return { ...s, requestId: request.id, license };
  }

  return {
    ask,
    grantOf,
    requestAs,
    grantAs,
    submission,
    submitted,
    decideAs,
    approvedThroughReview,
    markedApproved,
    licensed,
  };
}
