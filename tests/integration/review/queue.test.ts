import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { suspendUser } from "~/.server/access/people";
import { createFiguresCache } from "~/.server/figures-cache";
import { listReviewQueue, QUEUE_PAGE_SIZE, queueFilters } from "~/.server/review/queue";
import { claimSubmission, decide, decisionInput } from "~/.server/review/reviewing";
import { submitClip, submitInput, withdrawSubmission } from "~/.server/review/submissions";
import { accessSettings, submissions, type User } from "~db/schema";
import { loader as queueLoader } from "~/routes/review._index/route";
import { loader as reviewLoader } from "~/routes/review.$submissionId/route";
import { useTestDatabase } from "../../support/db";
import {
  acting,
  APP_URL,
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
} from "../../support/factories";
import { artistWith, createFinishedClip } from "../../support/generation";

const t = useTestDatabase();

const TARGET = 48;
const NOW = new Date("2030-06-15T12:00:00.000Z");
const hoursBefore = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);

/** A submission of `artist` that entered the queue `hoursAgo` hours before NOW. */
async function waitingFor(
  artist: User,
  hoursAgo: number,
  overrides: { intendedUse?: string; clipId?: string; title?: string } = {},
) {
  const clipId = overrides.clipId ?? (await createFinishedClip(t.db, artist)).clip.id;
  const s = await submitClip(
    t.db,
    acting(artist),
    submitInput.parse({
      clipId,
      title: overrides.title ?? `Waiting ${hoursAgo} h`,
      description: "For the queue tests.",
      intendedUse: overrides.intendedUse ?? "portfolio",
      channels: ["Vimeo"],
      agreeTerms: "on",
    }),
  );
  await t.db
    .update(submissions)
    .set({ submittedAt: hoursBefore(hoursAgo) })
    .where(eq(submissions.id, s.id));
  return s;
}

const list = (reviewer: User, query: Record<string, string> = {}) =>
  listReviewQueue(t.db, acting(reviewer), queueFilters.parse(query), {
    now: NOW,
    targetHours: TARGET,
  });

const ids = (queue: Awaited<ReturnType<typeof list>>) => queue.items.map((i) => i.id);

/** Claims as of the real clock would have expired long before NOW: lease them past NOW. */
async function claimAt(reviewer: User, submissionId: string) {
  await claimSubmission(t.db, acting(reviewer), submissionId);
  await t.db
    .update(submissions)
    .set({ claimExpiresAt: new Date(NOW.getTime() + 10 * 60_000) })
    .where(eq(submissions.id, submissionId));
}

describe("the review queue", () => {
  it("lists waiting items oldest first, with waiting time against the target and overdue marked", async () => {
    const artist = await artistWith(t.db);
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const fresh = await waitingFor(artist, 2);
    const old = await waitingFor(artist, 72);
    const justUnder = await waitingFor(artist, 47.5);
    const queue = await list(reviewer);
    expect(ids(queue)).toEqual([old.id, justUnder.id, fresh.id]);
    const byId = new Map(queue.items.map((i) => [i.id, i]));
    expect(byId.get(old.id)).toMatchObject({ overdue: true, version: 1, claim: null });
    expect(byId.get(old.id)!.hours).toBeCloseTo(72, 6);
    expect(byId.get(justUnder.id)).toMatchObject({ overdue: false });
    expect(byId.get(justUnder.id)!.hours).toBeCloseTo(47.5, 6);
    expect(byId.get(fresh.id)).toMatchObject({ overdue: false });
    expect(byId.get(fresh.id)!.hours).toBeCloseTo(2, 6);
    expect(queue.counts).toEqual({ waiting: 3, overdue: 1, unclaimed: 3, mine: 0 });
    expect(queue.nextCursor).toBeNull();
  });

  it("marks the items of a suspended artist, in the queue and on the item's page", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const active = await artistWith(t.db);
    const suspended = await artistWith(t.db);
    const fine = await waitingFor(active, 5);
    const held = await waitingFor(suspended, 3);
    await suspendUser(t.db, acting(admin), suspended.id, "Shared their access");

    const queue = await list(reviewer);
    const byId = new Map(queue.items.map((i) => [i.id, i]));
    // Still in the queue (a reviewer may decide it), but marked.
    expect(byId.get(held.id)).toMatchObject({ artistSuspended: true });
    expect(byId.get(fine.id)).toMatchObject({ artistSuspended: false });

    const cookie = await sessionCookieFor(t.db, reviewer);
    const page = async (id: string) =>
      (
        (
          await callRoute(t.db, reviewLoader, makeRequest(`/review/${id}`, { cookie }), {
            submissionId: id,
          })
        ).body as { submission: { artistSuspended: boolean } }
      ).submission.artistSuspended;
    expect(await page(held.id)).toBe(true);
    expect(await page(fine.id)).toBe(false);
  });

  it("filters by intended use, cohort, overdue and claimed-by-me; counts follow use and cohort", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const spring = await artistWith(t.db);
    const autumn = await artistWith(t.db);
    const noCohort = await artistWith(t.db);
    await t.db
      .update(accessSettings)
      .set({ cohort: "Spring 2030" })
      .where(eq(accessSettings.userId, spring.id));
    await t.db
      .update(accessSettings)
      .set({ cohort: "Autumn 2030" })
      .where(eq(accessSettings.userId, autumn.id));
    const ana = await createUser(t.db, { role: "reviewer", displayName: "Ana Reviewer" });
    const ben = await createUser(t.db, { role: "reviewer" });

    const springCommercialOverdue = await waitingFor(spring, 100, { intendedUse: "commercial" });
    const springSocial = await waitingFor(spring, 5, { intendedUse: "social" });
    const autumnCommercial = await waitingFor(autumn, 10, { intendedUse: "commercial" });
    const autumnPressOverdue = await waitingFor(autumn, 60, { intendedUse: "press" });
    const plain = await waitingFor(noCohort, 1);
    await claimAt(ana, springSocial.id);
    await claimAt(ana, autumnPressOverdue.id);
    await claimAt(ben, autumnCommercial.id);

    expect(ids(await list(ana, { use: "commercial" }))).toEqual([
      springCommercialOverdue.id,
      autumnCommercial.id,
    ]);
    const spr = await list(ana, { cohort: "Spring 2030" });
    expect(ids(spr)).toEqual([springCommercialOverdue.id, springSocial.id]);
    expect(spr.counts).toEqual({ waiting: 2, overdue: 1, unclaimed: 1, mine: 1 });
    expect(spr.items.every((i) => i.cohort === "Spring 2030")).toBe(true);
    expect(spr.cohorts).toEqual(["Autumn 2030", "Spring 2030"]);

    const overdue = await list(ana, { overdue: "1" });
    expect(ids(overdue)).toEqual([springCommercialOverdue.id, autumnPressOverdue.id]);
    expect(overdue.items.every((i) => i.overdue)).toBe(true);

    const mine = await list(ana, { mine: "1" });
    expect(ids(mine)).toEqual([autumnPressOverdue.id, springSocial.id]);
    expect(mine.items.every((i) => i.claim?.mine)).toBe(true);
    expect(ids(await list(ben, { mine: "1" }))).toEqual([autumnCommercial.id]);
    expect(ids(await list(admin, { mine: "1" }))).toEqual([]);

    // Filters combine.
    expect(ids(await list(ana, { cohort: "Autumn 2030", overdue: "1", mine: "1" }))).toEqual([
      autumnPressOverdue.id,
    ]);
    expect(ids(await list(ana, { use: "commercial", cohort: "Autumn 2030" }))).toEqual([
      autumnCommercial.id,
    ]);
    expect(ids(await list(ana, { cohort: "No such cohort" }))).toEqual([]);

    // Everything, with counts over the whole queue and other reviewers' claims named.
    const all = await list(ana);
    expect(ids(all)).toEqual([
      springCommercialOverdue.id,
      autumnPressOverdue.id,
      autumnCommercial.id,
      springSocial.id,
      plain.id,
    ]);
    expect(all.counts).toEqual({ waiting: 5, overdue: 2, unclaimed: 2, mine: 2 });
    expect(all.items.find((i) => i.id === autumnCommercial.id)!.claim).toMatchObject({
      by: "Test reviewer",
      mine: false,
    });
    expect((await list(ben)).counts).toMatchObject({ mine: 1 });
    // An expired claim is no claim: it counts as unclaimed and not as anyone's.
    await t.db
      .update(submissions)
      .set({ claimExpiresAt: hoursBefore(1) })
      .where(eq(submissions.id, autumnCommercial.id));
    const afterExpiry = await list(ben);
    expect(afterExpiry.counts).toEqual({ waiting: 5, overdue: 2, unclaimed: 3, mine: 0 });
    expect(afterExpiry.items.find((i) => i.id === autumnCommercial.id)!.claim).toBeNull();
    // Filter values that are not on the list are ignored rather than refused.
    expect(ids(await list(ana, { use: "billboard", overdue: "yes" }))).toHaveLength(5);
  });

  it("pages 60 items with keyset cursors: no gaps, no repeats, ties broken by id", async () => {
    const artist = await artistWith(t.db);
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const { clip } = await createFinishedClip(t.db, artist);
    const created: string[] = [];
    for (let i = 0; i < 60; i++) {
      // Groups of three share an instant, so the id must break the tie.
      const s = await waitingFor(artist, 200 - Math.floor(i / 3), { clipId: clip.id });
      created.push(s.id);
    }
    const rows = await t.db
      .select({ id: submissions.id, at: submissions.submittedAt })
      .from(submissions)
      .where(inArray(submissions.id, created));
    const expected = rows
      .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((r) => r.id);

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof list>> = await list(reviewer, after ? { after } : {});
      expect(page.items.length).toBeLessThanOrEqual(QUEUE_PAGE_SIZE);
      // Counts describe the whole queue on every page.
      expect(page.counts.waiting).toBe(60);
      seen.push(...ids(page));
      after = page.nextCursor;
      pages++;
    } while (after && pages < 10);
    expect(pages).toBe(Math.ceil(60 / QUEUE_PAGE_SIZE));
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(60);
  });

  it("refuses a hand-edited page link with 400, in the domain and through the page", async () => {
    const artist = await artistWith(t.db);
    const reviewer = await createUser(t.db, { role: "reviewer" });
    await waitingFor(artist, 3);
    const uuid = crypto.randomUUID();
    const edited = [
      "garbage",
      `2030-06-15 10:00:00+00_not-a-uuid`,
      `${uuid}`,
      // Shaped like a cursor, but no such moment exists.
      `2030-13-45 10:00:00+00_${uuid}`,
      `2030-02-30 25:61:00.123456+00_${uuid}`,
    ];
    for (const after of edited) {
      await expect(list(reviewer, { after }), after).rejects.toMatchObject({ status: 400 });
    }
    const cookie = await sessionCookieFor(t.db, reviewer);
    for (const after of edited) {
      const res = await callRoute(
        t.db,
        queueLoader,
        makeRequest(`/review?after=${encodeURIComponent(after)}`, { cookie }),
      );
      expect(res.status, after).toBe(400);
    }
    // A real cursor past the last item is simply an empty page.
    const res = await callRoute(
      t.db,
      queueLoader,
      makeRequest(`/review?after=${encodeURIComponent(`2030-06-15 11:59:59+00_${uuid}`)}`, {
        cookie,
      }),
    );
    expect(res.status).toBe(200);
    expect((res.body as { items: unknown[] }).items).toEqual([]);
  });

  it("leaves out withdrawn and decided items, and keeps a first of two approvals waiting", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer" });
    const withdrawn = await waitingFor(artist, 30);
    const approved = await waitingFor(artist, 20);
    const rejected = await waitingFor(artist, 15);
    const commercial = await waitingFor(artist, 10, { intendedUse: "commercial" });
    const waiting = await waitingFor(artist, 5);
    await withdrawSubmission(t.db, acting(artist), withdrawn.id, withdrawn.revision);
    const decideNow = async (id: string, input: Record<string, string>) => {
      await claimSubmission(t.db, acting(ana), id);
      await decide(
        t.db,
        acting(ana),
        id,
        decisionInput.parse({ version: "1", state: "in_review", ...input }),
        { checklist: [], appUrl: APP_URL },
      );
    };
    await decideNow(approved.id, { decision: "approve" });
    await decideNow(rejected.id, {
      decision: "reject",
      reasonCategory: "Content policy",
      note: "Not for this program.",
    });
    await decideNow(commercial.id, { decision: "approve" });
    const queue = await list(ana);
    expect(ids(queue)).toEqual([commercial.id, waiting.id]);
    expect(queue.items[0]).toMatchObject({ approvals: 1, approvalsNeeded: 2, claim: null });
    expect(queue.items[1]).toMatchObject({ approvals: 0, approvalsNeeded: 1 });
    expect(queue.counts).toEqual({ waiting: 2, overdue: 0, unclaimed: 2, mine: 0 });
  });

  it("is for reviewers and admins only: artists are refused with 403", async () => {
    const artist = await artistWith(t.db);
    await waitingFor(artist, 3);
    await expect(list(artist)).rejects.toMatchObject({ status: 403 });
    const cookie = await sessionCookieFor(t.db, artist);
    const res = await callRoute(t.db, queueLoader, makeRequest("/review", { cookie }));
    expect(res.status).toBe(403);
    const admin = await createUser(t.db, { role: "admin" });
    expect(ids(await list(admin))).toHaveLength(1);
  });

  it("the page passes filters through and reports the target", async () => {
    const artist = await artistWith(t.db);
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const press = await waitingFor(artist, 3, { intendedUse: "press" });
    await waitingFor(artist, 4, { intendedUse: "social" });
    const cookie = await sessionCookieFor(t.db, reviewer);
    const res = await callRoute(
      t.db,
      queueLoader,
      makeRequest("/review?use=press&overdue=&mine=", { cookie }),
    );
    expect(res.status).toBe(200);
    const body = res.body as {
      items: { id: string }[];
      filters: { use?: string; overdue: boolean; mine: boolean };
      targetHours: number;
      counts: { waiting: number };
    };
    expect(body.items.map((i) => i.id)).toEqual([press.id]);
    expect(body.filters).toMatchObject({ use: "press", overdue: false, mine: false });
    expect(body.targetHours).toBe(48);
    expect(body.counts.waiting).toBe(1);
  });

  it("shares the whole queue's counts for a few seconds; the list and the reviewer's own claims stay live", async () => {
    const artist = await artistWith(t.db);
    const ana = await createUser(t.db, { role: "reviewer" });
    const ben = await createUser(t.db, { role: "reviewer" });
    const first = await waitingFor(artist, 3);
    let clock = 1_000_000;
    const figures = createFiguresCache({ clock: () => clock });
    const shared = (reviewer: User) =>
      listReviewQueue(t.db, acting(reviewer), queueFilters.parse({}), {
        now: NOW,
        targetHours: TARGET,
        figures,
      });

    expect((await shared(ana)).counts).toEqual({ waiting: 1, overdue: 0, unclaimed: 1, mine: 0 });
    const second = await waitingFor(artist, 72);
    await claimAt(ben, first.id);
    // Ben sees the new item and his claim at once; the shared counts are as counted.
    const soon = await shared(ben);
    expect(ids(soon)).toEqual([second.id, first.id]);
    expect(soon.counts).toEqual({ waiting: 1, overdue: 0, unclaimed: 1, mine: 1 });
    expect(soon.countsAt.getTime()).toBe(1_000_000);

    // Five seconds on, the old counts are served once more while they are counted again.
    clock += 5_000;
    expect((await shared(ana)).counts.waiting).toBe(1);
    let later = await shared(ana);
    for (let i = 0; i < 250 && later.counts.waiting === 1; i++) {
      await new Promise((r) => setTimeout(r, 20));
      later = await shared(ana);
    }
    expect(later.counts).toEqual({ waiting: 2, overdue: 1, unclaimed: 1, mine: 0 });
    expect(later.countsAt.getTime()).toBe(1_005_000);
  });
});
