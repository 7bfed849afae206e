import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { listReviewQueue, queueFilters } from "~/.server/review/queue";
import { listOwnSubmissions, loadOwnSubmission, reviewTimes } from "~/.server/review/views";
import { unreadCount } from "~/.server/notifications/inbox";
import { listOwnRights, verifyLicense } from "~/.server/rights/views";
import { seedDemoData } from "~db/demo-data";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from "~db/seed";
import {
  accessSettings,
  emailOutbox,
  invites,
  ledgerEntries,
  notifications,
  users,
} from "~db/schema";
import { loadEarnings, loadMoneyOverview } from "~/.server/money/views";
import { deliveredByModel, listModels, modelsForArtist } from "~/.server/generation/catalog";
import { DEFAULT_THRESHOLDS, listFlags, scanForAnomalies } from "~/.server/oversight/flags";
import { action as loginAction } from "~/routes/login/route";
import { loader as acceptLoader } from "~/routes/invite.$token/route";
import { useTestDatabase } from "../support/db";
import {
  acting,
  APP_URL,
  callRoute,
  makeRequest,
  testProvenance,
  testStorage,
} from "../support/factories";
import { lastEmailTo } from "../support/outbox";

const t = useTestDatabase();

describe("the demo seed", () => {
  it("creates the demo accounts of PRODUCT.md, each able to sign in, and is idempotent", async () => {
    const first = await seedDemo(t.db, { appUrl: APP_URL });
    expect(first.created).toEqual(expect.arrayContaining(DEMO_ACCOUNTS.map((a) => a.email)));
    const counts = async () => ({
      users: (await t.db.select().from(users)).length,
      invites: (await t.db.select().from(invites)).length,
      emails: (await t.db.select().from(emailOutbox)).length,
    });
    const before = await counts();
    const second = await seedDemo(t.db, { appUrl: APP_URL });
    expect(second.created).toEqual([]);
    expect(await counts()).toEqual(before);

    for (const account of DEMO_ACCOUNTS) {
      const res = await callRoute(
        t.db,
        loginAction,
        makeRequest("/login", { form: { email: account.email, password: DEMO_PASSWORD } }),
        {},
        { ip: `198.51.100.${DEMO_ACCOUNTS.indexOf(account) + 1}` },
      );
      expect(res.status, account.email).toBe(302);
    }
    // Demo artists can generate from the first minute; other roles have no generation settings.
    const settings = await t.db
      .select({ email: users.email, quota: accessSettings.monthlyQuotaSeconds })
      .from(accessSettings)
      .innerJoin(users, eq(users.id, accessSettings.userId));
    const byEmail = new Map(settings.map((r) => [r.email, r.quota]));
    expect(byEmail.get("artist@greenroom.test")).toBe(300);
    expect(byEmail.get("artist2@greenroom.test")).toBe(300);
    expect(byEmail.has("reviewer@greenroom.test")).toBe(false);
    expect(byEmail.has("noor.haddad@greenroom.test")).toBe(false);
  });

  it("leaves working invitation links in the outbox", async () => {
    await seedDemo(t.db, { appUrl: APP_URL });
    const { path, message } = await lastEmailTo(t.db, "noor.haddad@greenroom.test");
    expect(message.template).toBe("invite");
    const token = path!.split("/").pop()!;
    const page = await callRoute(t.db, acceptLoader, makeRequest(path!), { token });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ valid: true, email: "noor.haddad@greenroom.test" });
  });
});

describe("the demo review program", () => {
  it("gives every review page realistic data, and seeding again adds nothing", async () => {
    const first = await seedDemoData(t.db, {
      appUrl: APP_URL,
      storage: testStorage,
      provenance: testProvenance,
    });
    expect(first).toMatchObject({
      models: 4,
      clips: 11,
      submissions: 11,
      rights: 3,
      flags: 4,
      studio: 4,
    });
    expect(first.payouts).toBeGreaterThanOrEqual(3);
    const again = await seedDemoData(t.db, {
      appUrl: APP_URL,
      storage: testStorage,
      provenance: testProvenance,
    });
    expect(again).toEqual({
      accounts: 0,
      models: 0,
      clips: 0,
      submissions: 0,
      rights: 0,
      payouts: 0,
      flags: 0,
      studio: 0,
    });

    const person = async (email: string) =>
      (await t.db.select().from(users).where(eq(users.email, email)))[0]!;
    const reviewer = await person("reviewer@greenroom.test");
    const queue = await listReviewQueue(t.db, reviewer, queueFilters.parse({}), {
      now: new Date(),
      targetHours: 48,
    });
    expect(queue.counts).toMatchObject({ waiting: 5, overdue: 2, unclaimed: 4, mine: 0 });
    expect(queue.items.map((i) => i.title)).toEqual([
      "Heron at first light",
      "Ink reef",
      "Melting carousel",
      "Paper migration",
      "Neon alley detective",
    ]);
    expect(queue.items.find((i) => i.title === "Paper migration")).toMatchObject({ version: 2 });
    expect(queue.items.find((i) => i.title === "Ink reef")!.claim).toMatchObject({
      by: "Sasha Ivanova",
    });
    expect(queue.items.find((i) => i.title === "Neon alley detective")).toMatchObject({
      approvals: 1,
      approvalsNeeded: 2,
    });

    const artist = await person("artist@greenroom.test");
    const own = await listOwnSubmissions(t.db, artist, {});
    // The commercial one has its first approval and nobody holding it: waiting for a second.
    expect(own.submissions.map((s) => s.state).sort()).toEqual([
      "approved",
      "changes_requested",
      "pending",
      "pending",
    ]);
    const changes = own.submissions.find((s) => s.state === "changes_requested")!;
    const detail = await loadOwnSubmission(t.db, artist, changes.id);
    expect(detail.comments).toHaveLength(1);
    expect(detail.timeline.map((e) => e.kind)).toEqual([
      "submitted",
      "claimed",
      "changes_requested",
    ]);

    // The review room: two versions, a drawn note on a range with a thread, a resolved comment,
    // and the failed checklist item pointed at with the note.
    const paper = own.submissions.find((s) => s.title === "Paper migration")!;
    const room = await loadOwnSubmission(t.db, artist, paper.id);
    expect(room.versions.map((v) => v.number)).toEqual([1, 2]);
    expect(room.timeline.map((e) => e.kind)).toEqual([
      "submitted",
      "claimed",
      "changes_requested",
      "resubmitted",
    ]);
    const [drawn, resolved] = room.comments;
    expect(drawn).toMatchObject({ frame: 36, endFrame: 60, resolvedAt: null });
    expect(drawn!.annotation?.shapes.map((shape) => shape.kind)).toEqual(["arrow", "rect"]);
    expect(drawn!.replies.map((r) => [r.author, r.byArtist])).toEqual([
      ["Ari Artist", true],
      ["Remi Reviewer", false],
    ]);
    expect(resolved).toMatchObject({ frame: 96, resolvedBy: "Ari Artist" });
    expect(room.decisions[0]!.checklist.filter((c) => c.failed).map((c) => c.item)).toEqual([
      "No third-party logos or trademarks",
    ]);
    const remiHeard = await t.db
      .select({ kind: notifications.kind })
      .from(notifications)
      .where(eq(notifications.userId, reviewer.id));
    expect(remiHeard).toEqual([{ kind: "review_thread_reply" }]);

    const times = await reviewTimes(t.db, new Date());
    // Decided after 8, 5, 20, 26, 25 and 2 hours: the median is 14, p90 interpolates to 25.5.
    expect(times.decided).toBe(6);
    expect(times.medianHours).toBeCloseTo(14, 1);
    expect(times.p90Hours).toBeCloseTo(25.5, 1);
    expect(await unreadCount(t.db, artist.id)).toBeGreaterThan(0);

    // Rights: Ari's license is valid and checkable by its code; Kenji's is revoked.
    const [ari] = await listOwnRights(t.db, artist);
    expect(ari).toMatchObject({ title: "Lighthouse spirals", status: "valid" });
    expect(await verifyLicense(t.db, ari!.license!.code.toLowerCase())).toMatchObject({
      status: "valid",
      artist: "Ari Artist",
    });
    const kenji = await person("kenji.watanabe@greenroom.test");
    expect((await listOwnRights(t.db, kenji))[0]).toMatchObject({ status: "revoked" });

    // Money: Ari has paid, payable and pending items, and the statement is the ledger.
    const earnings = await loadEarnings(t.db, artist);
    expect(earnings.currency).toBe("USD");
    const usd = earnings.totals.find((x) => x.currency === "USD")!;
    expect(usd.paidMinor).toBeGreaterThan(0);
    expect(usd.payableMinor).toBeGreaterThan(0);
    expect(usd.pendingCount).toBeGreaterThanOrEqual(2); // an hours log and the promotion request
    expect(usd.earnedMinor).toBe(usd.paidMinor + usd.inPayoutMinor + usd.payableMinor);
    const [ledgerSum] = await t.db
      .select({ sum: sql<string>`sum(${ledgerEntries.amountMinor})::text` })
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.userId, artist.id), eq(ledgerEntries.currency, "USD")));
    expect(Number(ledgerSum!.sum)).toBe(usd.payableMinor);
    const statuses = new Set(earnings.statement.items.map((i) => i.status));
    expect(statuses).toContain("paid");
    expect(statuses).toContain("payable");
    expect(earnings.rateCards.find((c) => c.currency === "USD")).toMatchObject({
      upcoming: [expect.anything()],
      past: [expect.anything()],
    });
    expect(earnings.promotions.map((p) => p.promotion.state)).toEqual(["asked"]);
    expect(earnings.contributions.map((c) => c.contribution.state).sort()).toEqual([
      "approved",
      "approved",
      "approved",
      "pending",
      "pending",
      "rejected",
    ]);
    // Bea is paid in euros; her residency grant waits for a second admin (Omar awarded it).
    const bea = await person("artist2@greenroom.test");
    expect((await loadEarnings(t.db, bea)).currency).toBe("EUR");
    const admin = await person("admin@greenroom.test");
    const overview = await loadMoneyOverview(t.db, acting(admin));
    expect(overview.awaitingGrants).toHaveLength(1);
    expect(overview.awaitingGrants[0]!.awardedByName).toBe("Omar Castillo");
    expect(overview.pendingContributions.length).toBeGreaterThanOrEqual(2);
    // Models: artists pick among the catalog's local entries open to their cohort (the
    // switched-off gateway model is listed for admins only); clips and feedback reports name
    // several models.
    const picks = await modelsForArtist(t.db, acting(artist), ["local"]);
    expect(picks.map((m) => m.displayName)).toEqual([
      "Stand-in renderer",
      "Backdrop (from your image)",
      "Residency preview",
      "Storyboard draft",
    ]);
    expect(picks.find((m) => m.takesImage && !m.isDefault)).toBeDefined();
    const catalog = await listModels(t.db, acting(admin));
    expect(catalog.filter((m) => !m.enabled).map((m) => m.provider)).toEqual(["openai"]);
    expect(catalog.some((m) => m.cohorts.length > 0)).toBe(true);
    const delivered = (await deliveredByModel(t.db)).map((r) => [r.model, r.clips]);
    expect(delivered.sort()).toEqual([
      ["Backdrop (from your image)", 2],
      ["Residency preview", 3],
      ["Stand-in renderer", 3],
      ["Storyboard draft", 3],
    ]);
    expect(
      overview.feedbackByModel.map((r) => [r.model, r.total, r.quality, r.safety, r.bug, r.idea]),
    ).toEqual([
      ["Residency preview", 2, 0, 1, 1, 0],
      ["Backdrop (from your image)", 1, 0, 0, 0, 1],
      ["Stand-in renderer", 1, 1, 0, 0, 0],
      ["Storyboard draft", 1, 1, 0, 0, 0],
    ]);
    // Jonas's transfer failed: the amount is payable again, in the balances list.
    const jonas = await person("jonas.berg@greenroom.test");
    expect(overview.balances.rows.some((b) => b.userId === jonas.id)).toBe(true);

    // Oversight: Jonas's access is in use from 30 addresses (open, strong); Lucía's sign-ins while
    // travelling wait for a decision; Mira's workshop was dismissed; Theo was suspended by the scan.
    const flags = await listFlags(t.db, admin, { state: "open" });
    const jonasFlag = flags.flags.find((f) => f.account.id === jonas.id)!;
    expect(jonasFlag.flag).toMatchObject({ kind: "many_addresses", strength: "strong" });
    expect(jonasFlag.flag.evidence).toMatchObject({ count: 30 });
    const lucia = await person("lucia.ferraro@greenroom.test");
    expect(flags.flags.find((f) => f.account.id === lucia.id)!.flag).toMatchObject({
      kind: "many_sign_in_addresses",
      strength: "weak",
    });
    expect(flags.counts).toEqual({ open: 2, dismissed: 1, actioned: 1 });
    const [theoFlag] = (await listFlags(t.db, admin, { state: "actioned" })).flags;
    expect(theoFlag).toMatchObject({
      account: { email: "theo.marchetti@greenroom.test", status: "suspended" },
      flag: { autoSuspended: true },
    });
    // Ordinary use raised nothing: no artist but these four has a flag, and a rescan adds none.
    expect(
      await scanForAnomalies(t.db, {
        now: new Date(),
        thresholds: DEFAULT_THRESHOLDS,
        autoSuspend: false,
        appUrl: APP_URL,
      }),
    ).toMatchObject({ raised: 0 });
  }, 180_000); // renders the eleven demo clips for real
});
