import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { ActionFailure } from "~/lib/intents";
import { readFlash } from "~/.server/flash";
import { approveContribution, hoursInput, logHours } from "~/.server/money/contributions";
import { todayUtc } from "~/.server/money/dates";
import { createBatch } from "~/.server/money/payouts";
import { askPromotion, promotionInput } from "~/.server/money/promotions";
import { publishRateCard, rateCardInput, setPayoutCurrency } from "~/.server/money/rates";
import { UNKNOWN_ACTION } from "~/lib/validation";
import {
  auditLog,
  contributions,
  emailOutbox,
  ledgerEntries,
  payoutBatches,
  payouts,
  users,
  type User,
} from "~db/schema";
import {
  action as overviewAction,
  loader as overviewLoader,
} from "~/routes/admin.money._index/route";
import {
  action as artistAction,
  loader as artistLoader,
} from "~/routes/admin.money.artists.$userId/route";
import { action as grantsAction } from "~/routes/admin.money.grants/route";
import { loader as ledgerCsvLoader } from "~/routes/admin.money.ledger[.csv]/route";
import { loader as batchCsvLoader } from "~/routes/admin.money.payouts.$batchId.csv/route";
import {
  action as batchAction,
  loader as batchLoader,
} from "~/routes/admin.money.payouts.$batchId/route";
import {
  action as payoutsAction,
  loader as payoutsLoader,
} from "~/routes/admin.money.payouts._index/route";
import { action as ratesAction } from "~/routes/admin.money.rates/route";
import { action as earningsAction, loader as earningsLoader } from "~/routes/earnings._index/route";
import { useTestDatabase } from "../../support/db";
import {
  acting,
  APP_URL,
  callRoute,
  contextFor,
  createUser,
  makeRequest,
  sessionCookieFor,
} from "../../support/factories";
import { approvedClip, joinedOn } from "../../support/money";

// The money pages as the browser uses them: loaders and actions called the way Remix calls them,
// with a real session cookie, and what they wrote read back from the database.

const t = useTestDatabase();

const BATCH_HEADER =
  "payout_id,batch_id,artist_id,artist_name,artist_email,currency,amount,amount_minor,state,idempotency_key,reference,created_at,sent_at,paid_at,failed_at,failure_reason";
const LEDGER_HEADER =
  "entry_id,occurred_on,recorded_at,artist_id,artist_name,artist_email,kind,description,currency,amount,amount_minor,contribution_id,grant_id,promotion_id,payout_id,stipend_month,reverses_entry_id";

/** An admin, an artist paid in USD at $40 an hour, and both of their session cookies. */
async function program(artistName = "Ari Artist") {
  const admin = await createUser(t.db, { role: "admin", displayName: "Ada Admin" });
  const artist = await createUser(t.db, { role: "artist", displayName: artistName });
  await publishRateCard(
    t.db,
    acting(admin),
    rateCardInput.parse({
      currency: "USD",
      effectiveFrom: "2020-01-01",
      hourlyMinor: "40.00",
      feedbackReportMinor: "25.00",
      promoClipMinor: "150.00",
      stipendMonthlyMinor: "200.00",
    }),
  );
  return {
    admin,
    artist,
    adminCookie: await sessionCookieFor(t.db, admin),
    artistCookie: await sessionCookieFor(t.db, artist),
  };
}

/** Hours the artist logged and the admin approved: a payable earning. */
async function approvedHours(admin: User, artist: User, hours: string) {
  const item = await logHours(
    t.db,
    acting(artist),
    hoursInput.parse({ occurredOn: todayUtc(), hours, notes: "Tested long prompts." }),
  );
  await approveContribution(t.db, acting(admin), item.id, { appUrl: APP_URL });
  return item;
}

/** The one-time message a redirect carries to the next page. */
async function flashOf(res: { headers: Headers }) {
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  const request = makeRequest("/", { cookie });
  const { flash } = await readFlash(request, await contextFor(t.db, request));
  return flash;
}

const rowsOf = {
  contributions: () => t.db.select().from(contributions).orderBy(asc(contributions.createdAt)),
  ledger: () => t.db.select().from(ledgerEntries).orderBy(asc(ledgerEntries.id)),
  batches: () => t.db.select().from(payoutBatches),
  payouts: () => t.db.select().from(payouts),
  audit: () => t.db.select().from(auditLog),
};

describe("/earnings: logging hours", () => {
  const logHoursAs = (cookie: string, fields: Record<string, string>) =>
    callRoute(
      t.db,
      earningsAction,
      makeRequest("/earnings", { cookie, form: { intent: "log-hours", ...fields } }),
    );

  it("refuses bad input with a message next to each field, and writes nothing", async () => {
    const { artistCookie } = await program();
    const auditBefore = (await rowsOf.audit()).length;
    const res = await logHoursAs(artistCookie, {
      occurredOn: "2026-02-30",
      hours: "1.1",
      notes: "x",
      clientKey: randomUUID(),
    });
    expect(res.status).toBe(422);
    const body = res.body as ActionFailure;
    expect(body.ok).toBe(false);
    expect(body.form).toBe("log-hours");
    expect(body.errors).toEqual({
      occurredOn: "Choose a real date.",
      hours: "Enter the hours in quarter hours, like 1.5 or 1:30.",
      notes: "Say what you tested, in a few words.",
    });
    // Missing fields are named too, not a crash.
    const empty = await logHoursAs(artistCookie, {});
    expect(empty.status).toBe(422);
    expect(Object.keys((empty.body as ActionFailure).errors).sort()).toEqual([
      "hours",
      "notes",
      "occurredOn",
    ]);
    // Too many hours in one session, and a session in the future: the same kind of answer.
    const long = await logHoursAs(artistCookie, {
      occurredOn: todayUtc(),
      hours: "12.25",
      notes: "All day.",
    });
    expect(long.status).toBe(422);
    expect((long.body as ActionFailure).errors).toEqual({
      hours: "Log at most 12 hours per session.",
    });
    const tomorrow = todayUtc(new Date(Date.now() + 86_400_000));
    const future = await logHoursAs(artistCookie, {
      occurredOn: tomorrow,
      hours: "1",
      notes: "Not yet done.",
    });
    expect(future.status).toBe(422);
    expect((future.body as ActionFailure).errors).toEqual({
      occurredOn: "Log a session once it has happened.",
    });
    expect(await rowsOf.contributions()).toEqual([]);
    expect(await rowsOf.audit()).toHaveLength(auditBefore);
  });

  it("logs good input as a pending item and redirects with a message", async () => {
    const { artist, artistCookie } = await program();
    const res = await logHoursAs(artistCookie, {
      occurredOn: todayUtc(),
      hours: "1:30",
      notes: "  Tested vertical output with text overlays.  ",
      clientKey: randomUUID(),
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/earnings");
    expect(await flashOf(res)).toEqual({
      kind: "success",
      message: "Logged 1.5 hours. An admin will approve it.",
    });
    const rows = await rowsOf.contributions();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      userId: artist.id,
      kind: "hours",
      state: "pending",
      minutes: 90,
      occurredOn: todayUtc(),
      description: "Tested vertical output with text overlays.",
      amountMinor: null,
    });
    // Nothing is in the ledger until an admin approves it.
    expect(await rowsOf.ledger()).toEqual([]);
    // The page shows it, awaiting approval, with the pending estimate in the totals.
    const page = await callRoute(
      t.db,
      earningsLoader,
      makeRequest("/earnings", { cookie: artistCookie }),
    );
    expect(page.status).toBe(200);
    const data = page.body as {
      contributions: { contribution: { id: string; state: string } }[];
      totals: { currency: string; pendingMinor: number; pendingCount: number }[];
    };
    expect(data.contributions.map((c) => c.contribution)).toMatchObject([
      { id: rows[0]!.id, state: "pending" },
    ]);
    expect(data.totals).toMatchObject([{ currency: "USD", pendingMinor: 6000, pendingCount: 1 }]);
  });

  it("logs a form sent twice (the same clientKey) once", async () => {
    const { artistCookie } = await program();
    const fields = {
      occurredOn: todayUtc(),
      hours: "2",
      notes: "Double-clicked the button.",
      clientKey: randomUUID(),
    };
    const first = await logHoursAs(artistCookie, fields);
    const second = await logHoursAs(artistCookie, fields);
    expect([first.status, second.status]).toEqual([302, 302]);
    const rows = await rowsOf.contributions();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.clientKey).toBe(fields.clientKey);
    // A new rendering of the form has a new key: that is a second item.
    await logHoursAs(artistCookie, { ...fields, clientKey: randomUUID() });
    expect(await rowsOf.contributions()).toHaveLength(2);
  });

  it("refuses another artist's form key rather than answering with their item", async () => {
    const { artistCookie } = await program();
    const other = await createUser(t.db, { role: "artist" });
    const clientKey = randomUUID();
    const fields = { occurredOn: todayUtc(), hours: "1", notes: "Same key.", clientKey };
    await logHoursAs(artistCookie, fields);
    const res = await logHoursAs(await sessionCookieFor(t.db, other), fields);
    expect(res.status).toBe(409);
    expect((res.body as ActionFailure).errors.form).toMatch(/already used/);
    expect(await rowsOf.contributions()).toHaveLength(1);
  });
});

describe("/admin/money: deciding contributions", () => {
  async function pending() {
    const p = await program();
    const item = await logHours(
      t.db,
      acting(p.artist),
      hoursInput.parse({ occurredOn: todayUtc(), hours: "1.5", notes: "Portrait lighting." }),
    );
    return { ...p, item };
  }
  const decide = (cookie: string, form: Record<string, string>) =>
    callRoute(t.db, overviewAction, makeRequest("/admin/money", { cookie, form }));

  it("lists what waits, with what it would earn", async () => {
    const { adminCookie, item } = await pending();
    const res = await callRoute(
      t.db,
      overviewLoader,
      makeRequest("/admin/money", { cookie: adminCookie }),
    );
    expect(res.status).toBe(200);
    const data = res.body as {
      pendingContributions: {
        contribution: { id: string };
        estimateMinor: number;
        estimateCurrency: string;
      }[];
    };
    expect(data.pendingContributions).toMatchObject([
      { contribution: { id: item.id }, estimateMinor: 6000, estimateCurrency: "USD" },
    ]);
  });

  it("pages what waits oldest first, counting all of it", async () => {
    const { adminCookie, artist } = await pending();
    // Eleven more hours logged, one a day: twelve wait, ten to a page.
    for (let day = 1; day <= 11; day++)
      await logHours(
        t.db,
        acting(artist),
        hoursInput.parse({
          occurredOn: new Date(Date.now() - day * 86_400_000).toISOString().slice(0, 10),
          hours: "1",
          notes: `Day ${day} of testing.`,
        }),
      );
    const open = async (query = "") =>
      (
        await callRoute(
          t.db,
          overviewLoader,
          makeRequest(`/admin/money${query}`, { cookie: adminCookie }),
        )
      ).body as {
        pendingCount: number;
        pendingNext: string | null;
        pendingContributions: { contribution: { id: string } }[];
      };
    const first = await open();
    expect(first.pendingCount).toBe(12);
    expect(first.pendingContributions).toHaveLength(10);
    const second = await open(`?pending=${encodeURIComponent(first.pendingNext!)}`);
    expect(second.pendingContributions).toHaveLength(2);
    expect(second.pendingNext).toBeNull();
    const all = [...first.pendingContributions, ...second.pendingContributions].map(
      (c) => c.contribution.id,
    );
    expect(new Set(all).size).toBe(12);
    const badLink = await callRoute(
      t.db,
      overviewLoader,
      makeRequest("/admin/money?pending=nope", { cookie: adminCookie }),
    );
    expect(badLink.status).toBe(400);
  });

  it("approving writes the earning to the ledger and emails the artist", async () => {
    const { adminCookie, artist, admin, item } = await pending();
    const res = await decide(adminCookie, { intent: "approve-contribution", id: item.id });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/admin/money");
    expect((await flashOf(res))?.message).toBe("Approved. The artist's balance has it.");
    const [row] = await t.db.select().from(contributions).where(eq(contributions.id, item.id));
    expect(row).toMatchObject({
      state: "approved",
      decidedBy: admin.id,
      amountMinor: 6000,
      currency: "USD",
    });
    expect(await rowsOf.ledger()).toMatchObject([
      {
        userId: artist.id,
        kind: "earning",
        currency: "USD",
        amountMinor: 6000,
        contributionId: item.id,
        occurredOn: todayUtc(),
      },
    ]);
    const mail = await t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.recipient, artist.email));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.template).toBe("contribution-decided");
    expect(mail[0]!.text).toContain("$60.00");

    // Approving it again (a second tab) changes nothing and says why.
    const again = await decide(adminCookie, { intent: "approve-contribution", id: item.id });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      ok: false,
      id: item.id,
      errors: { form: "This contribution was already approved; nothing was changed." },
    });
    expect(await rowsOf.ledger()).toHaveLength(1);
  });

  it("rejecting needs a reason; with one, the artist reads it and nothing is earned", async () => {
    const { adminCookie, artist, item } = await pending();
    const bare = await decide(adminCookie, { intent: "reject-contribution", id: item.id });
    expect(bare.status).toBe(422);
    expect((bare.body as ActionFailure).errors).toHaveProperty("reason");
    expect((bare.body as ActionFailure).id).toBe(item.id);
    expect((await rowsOf.contributions())[0]!.state).toBe("pending");

    const res = await decide(adminCookie, {
      intent: "reject-contribution",
      id: item.id,
      reason: "Duplicate of Tuesday's session.",
    });
    expect(res.status).toBe(302);
    expect((await rowsOf.contributions())[0]).toMatchObject({
      state: "rejected",
      rejectReason: "Duplicate of Tuesday's session.",
    });
    expect(await rowsOf.ledger()).toEqual([]);
    const [mail] = await t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.recipient, artist.email));
    expect(mail!.text).toContain("Duplicate of Tuesday's session.");
  });

  it("an unknown item or intent is a 4xx, not a crash", async () => {
    const { adminCookie } = await pending();
    const missing = await decide(adminCookie, { intent: "approve-contribution", id: "nope" });
    expect(missing.status).toBe(404);
    const unknown = await decide(adminCookie, { intent: "launder" });
    expect(unknown.status).toBe(400);
  });
});

describe("/admin/money/payouts: making a batch", () => {
  type Preview = {
    currency: string;
    payees: number;
    totalMinor: number;
    excludedCount: number;
    through: number;
    next: string | null;
    rows: { userId: string; balanceMinor: number; excluded: boolean }[];
  };
  const previewOf = async (cookie: string, query = "currency=USD") => {
    const res = await callRoute(
      t.db,
      payoutsLoader,
      makeRequest(`/admin/money/payouts?${query}`, { cookie }),
    );
    expect(res.status).toBe(200);
    return (res.body as { preview: Preview }).preview;
  };
  /** The preview's form as the browser sends it: what the preview promised, no list of artists. */
  const create = (cookie: string, fields: Record<string, string>, preview?: Preview) =>
    callRoute(
      t.db,
      payoutsAction,
      makeRequest("/admin/money/payouts", {
        cookie,
        form: {
          ...(preview
            ? {
                payees: String(preview.payees),
                totalMinor: String(preview.totalMinor),
                through: String(preview.through),
              }
            : {}),
          ...fields,
        },
      }),
    );
  /** A row's "Leave out" / "Put back" button. */
  const toggle = (cookie: string, intent: string, userId: string) =>
    callRoute(
      t.db,
      payoutsAction,
      makeRequest("/admin/money/payouts", {
        cookie,
        form: { intent, currency: "USD", userId },
      }),
    );

  it("previews who would be paid, then makes the batch once per key", async () => {
    const { admin, artist, adminCookie } = await program();
    await approvedHours(admin, artist, "2");
    const preview = await previewOf(adminCookie);
    expect(preview).toMatchObject({
      currency: "USD",
      totalMinor: 8000,
      payees: 1,
      excludedCount: 0,
      next: null,
      rows: [{ userId: artist.id, balanceMinor: 8000, excluded: false }],
    });

    const form = { currency: "USD", batchKey: randomUUID(), note: "June payouts" };
    const first = await create(adminCookie, form, preview);
    expect(first.status).toBe(302);
    const [batch] = await rowsOf.batches();
    expect(batch).toMatchObject({ currency: "USD", note: "June payouts", createdBy: admin.id });
    expect(first.headers.get("location")).toBe(`/admin/money/payouts/${batch!.id}`);
    expect((await flashOf(first))?.message).toBe(
      "Batch created: 1 payout, $80.00. Send them, then mark them sent.",
    );

    // The same form again (a double click, a resend after a timeout): the same batch, no more.
    const second = await create(adminCookie, form, preview);
    expect(second.status).toBe(302);
    expect(second.headers.get("location")).toBe(`/admin/money/payouts/${batch!.id}`);
    expect((await flashOf(second))?.message).toBe("This batch was already created; here it is.");
    expect(await rowsOf.batches()).toHaveLength(1);
    expect(await rowsOf.payouts()).toMatchObject([
      { batchId: batch!.id, userId: artist.id, amountMinor: 8000, state: "created" },
    ]);
    expect((await rowsOf.ledger()).filter((e) => e.kind === "payout")).toMatchObject([
      { userId: artist.id, amountMinor: -8000 },
    ]);

    // A new key now finds nobody owed: said next to the currency, nothing made.
    const emptyPreview = await previewOf(adminCookie);
    expect(emptyPreview).toMatchObject({ payees: 0, totalMinor: 0, rows: [] });
    const empty = await create(
      adminCookie,
      { currency: "USD", batchKey: randomUUID() },
      emptyPreview,
    );
    expect(empty.status).toBe(409);
    expect((empty.body as ActionFailure).errors).toEqual({
      currency: "Nobody has an approved, unpaid USD balance right now.",
    });
    expect(await rowsOf.batches()).toHaveLength(1);
  });

  it("pays everyone but those left out of the draft; the next batch starts with everyone again", async () => {
    const { admin, artist, adminCookie } = await program();
    const other = await createUser(t.db, { role: "artist", displayName: "Bo Other" });
    await approvedHours(admin, artist, "2");
    await approvedHours(admin, other, "1");

    // Untick Bo: stored on the draft, so the preview (any page, any admin) shows it.
    const out = await toggle(adminCookie, "exclude", other.id);
    expect(out.status).toBe(302);
    expect((await flashOf(out))?.message).toBe("Bo Other is left out of the next batch.");
    const preview = await previewOf(adminCookie);
    expect(preview).toMatchObject({ payees: 1, totalMinor: 8000, excludedCount: 1 });
    expect(preview.rows).toMatchObject([
      { userId: artist.id, excluded: false },
      { userId: other.id, excluded: true },
    ]);

    // Put back, then out again: the same row, nothing twice.
    expect((await toggle(adminCookie, "include", other.id)).status).toBe(302);
    expect(await previewOf(adminCookie)).toMatchObject({ payees: 2, excludedCount: 0 });
    await toggle(adminCookie, "exclude", other.id);
    await toggle(adminCookie, "exclude", other.id);
    expect(await previewOf(adminCookie)).toMatchObject({ payees: 1, excludedCount: 1 });

    const res = await create(adminCookie, { currency: "USD", batchKey: randomUUID() }, preview);
    expect(res.status).toBe(302);
    expect(await rowsOf.payouts()).toMatchObject([{ userId: artist.id, amountMinor: 8000 }]);

    // The batch spent the draft: Bo is in the next one.
    expect(await previewOf(adminCookie)).toMatchObject({
      payees: 1,
      totalMinor: 4000,
      excludedCount: 0,
      rows: [{ userId: other.id, excluded: false }],
    });

    // Everyone left out: nothing to pay, said plainly; "Put everyone back" undoes it.
    await toggle(adminCookie, "exclude", other.id);
    const none = await previewOf(adminCookie);
    expect(none).toMatchObject({ payees: 0, totalMinor: 0, excludedCount: 1 });
    const refused = await create(adminCookie, { currency: "USD", batchKey: randomUUID() }, none);
    expect(refused.status).toBe(409);
    expect((refused.body as ActionFailure).errors).toEqual({
      form: "Everyone owed in USD is left out of this batch. Put someone back to pay them.",
    });
    const back = await callRoute(
      t.db,
      payoutsAction,
      makeRequest("/admin/money/payouts", {
        cookie: adminCookie,
        form: { intent: "include-all", currency: "USD" },
      }),
    );
    expect(back.status).toBe(302);
    expect((await flashOf(back))?.message).toBe("1 artist is back in the next batch.");
    expect(await previewOf(adminCookie)).toMatchObject({ payees: 1, excludedCount: 0 });
  });

  it("refuses leaving out someone who is not an artist, next to their row", async () => {
    const { admin, adminCookie } = await program();
    for (const id of [admin.id, "no-such-user"]) {
      const res = await toggle(adminCookie, "exclude", id);
      expect(res.status, id).toBe(404);
      expect(res.body).toMatchObject({ id, errors: { userId: "That artist does not exist." } });
    }
  });

  it("refuses a malformed form, and a bad page link, with a message", async () => {
    const { adminCookie } = await program();
    const res = await create(adminCookie, { currency: "XYZ", batchKey: "not-a-uuid" });
    expect(res.status).toBe(422);
    expect(Object.keys((res.body as ActionFailure).errors)).toEqual(
      expect.arrayContaining(["batchKey", "currency"]),
    );
    expect(await rowsOf.batches()).toEqual([]);
    for (const cursor of ["garbage!", "bm90LWpzb24", Buffer.from("[1,2]").toString("base64url")]) {
      const page = await callRoute(
        t.db,
        payoutsLoader,
        makeRequest(`/admin/money/payouts?currency=USD&payees=${cursor}`, {
          cookie: adminCookie,
        }),
      );
      expect(page.status, cursor).toBe(400);
    }
  });
});

describe("/admin/money/payouts/<id>: sending and paying a batch", () => {
  async function batchOf() {
    const p = await program();
    await approvedHours(p.admin, p.artist, "2");
    const { batch } = await createBatch(t.db, acting(p.admin), {
      currency: "USD",
      batchKey: randomUUID(),
    });
    const here = `/admin/money/payouts/${batch.id}`;
    const mark = (intent: string) =>
      callRoute(t.db, batchAction, makeRequest(here, { cookie: p.adminCookie, form: { intent } }), {
        batchId: batch.id,
      });
    return { ...p, batch, here, mark };
  }

  it("marks all sent (the artist is emailed), then all paid; the statement says paid", async () => {
    const { artist, artistCookie, adminCookie, batch, here, mark } = await batchOf();
    const page = await callRoute(t.db, batchLoader, makeRequest(here, { cookie: adminCookie }), {
      batchId: batch.id,
    });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      batch: { id: batch.id },
      payouts: [{ payout: { state: "created", amountMinor: 8000 }, email: artist.email }],
    });

    // Paid before sent is not a move a payout can make.
    const early = await mark("mark-all-paid");
    expect(early.status).toBe(409);
    expect((early.body as ActionFailure).errors.form).toBe(
      "No payout in this batch is sent; nothing was changed.",
    );

    const sent = await mark("mark-all-sent");
    expect(sent.status).toBe(302);
    expect(sent.headers.get("location")).toBe(here);
    expect((await flashOf(sent))?.message).toBe("1 payout marked sent.");
    expect(await rowsOf.payouts()).toMatchObject([{ state: "sent" }]);
    const mail = await t.db
      .select()
      .from(emailOutbox)
      .where(eq(emailOutbox.recipient, artist.email));
    expect(mail.map((m) => m.template)).toContain("payout-sent");

    const again = await mark("mark-all-sent");
    expect(again.status).toBe(409);

    const paid = await mark("mark-all-paid");
    expect(paid.status).toBe(302);
    expect((await flashOf(paid))?.message).toBe("1 payout marked paid.");
    const [payout] = await rowsOf.payouts();
    expect(payout!.state).toBe("paid");
    expect(payout!.paidAt).not.toBeNull();

    const earnings = await callRoute(
      t.db,
      earningsLoader,
      makeRequest("/earnings", { cookie: artistCookie }),
    );
    const data = earnings.body as {
      totals: { paidMinor: number; payableMinor: number; inPayoutMinor: number }[];
      statement: { items: { kind: string; status: string | null; amountMinor: number }[] };
    };
    expect(data.totals).toMatchObject([{ paidMinor: 8000, payableMinor: 0, inPayoutMinor: 0 }]);
    expect(data.statement.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "earning", amountMinor: 8000, status: "paid" }),
        expect.objectContaining({ kind: "payout", amountMinor: -8000, status: "paid" }),
      ]),
    );
  });

  it("an unknown batch is a 404, to read and to mark", async () => {
    const { adminCookie } = await program();
    const res = await callRoute(
      t.db,
      batchLoader,
      makeRequest("/admin/money/payouts/nope", { cookie: adminCookie }),
      { batchId: "nope" },
    );
    expect(res.status).toBe(404);
    const marked = await callRoute(
      t.db,
      batchAction,
      makeRequest("/admin/money/payouts/nope", {
        cookie: adminCookie,
        form: { intent: "mark-all-sent" },
      }),
      { batchId: "nope" },
    );
    expect(marked.status).toBe(404);
  });
});

describe("CSV exports", () => {
  function csvLines(body: unknown) {
    expect(typeof body).toBe("string");
    const text = body as string;
    expect(text.endsWith("\r\n")).toBe(true);
    return text.slice(0, -2).split("\r\n");
  }

  it("a batch downloads as CSV with a header row and one row per payout", async () => {
    const { admin, artist, adminCookie } = await program("Ari Artist");
    await approvedHours(admin, artist, "2.25");
    const { batch, payouts: made } = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: randomUUID(),
    });
    const res = await callRoute(
      t.db,
      batchCsvLoader,
      makeRequest(`/admin/money/payouts/${batch.id}/csv`, { cookie: adminCookie }),
      { batchId: batch.id },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="greenroom-payouts-${todayUtc()}-${batch.id.slice(0, 8)}.csv"`,
    );
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const lines = csvLines(res.body);
    expect(lines[0]).toBe(BATCH_HEADER);
    expect(lines).toHaveLength(2);
    const cells = lines[1]!.split(",");
    expect(cells.slice(0, 10)).toEqual([
      made[0]!.id,
      batch.id,
      artist.id,
      "Ari Artist",
      artist.email,
      "USD",
      "90.00",
      "9000",
      "created",
      made[0]!.idempotencyKey,
    ]);
  });

  it("a name a spreadsheet would run as a formula is written inert", async () => {
    const { admin, artist, adminCookie } = await program('=HYPERLINK("http://x","pay me")');
    await approvedHours(admin, artist, "1");
    const { batch } = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: randomUUID(),
    });
    const res = await callRoute(
      t.db,
      batchCsvLoader,
      makeRequest(`/admin/money/payouts/${batch.id}/csv`, { cookie: adminCookie }),
      { batchId: batch.id },
    );
    expect(res.body as string).toContain(`"'=HYPERLINK(""http://x"",""pay me"")"`);
    expect(res.body as string).not.toMatch(/,=HYPERLINK/);
  });

  it("the ledger for a period downloads as CSV, both ends included", async () => {
    const { admin, artist, adminCookie } = await program();
    const item = await approvedHours(admin, artist, "2");
    await createBatch(t.db, acting(admin), { currency: "USD", batchKey: randomUUID() });
    const today = todayUtc();
    const res = await callRoute(
      t.db,
      ledgerCsvLoader,
      makeRequest(`/admin/money/ledger.csv?from=${today}&to=${today}`, { cookie: adminCookie }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="greenroom-ledger-${today}-to-${today}.csv"`,
    );
    const lines = csvLines(res.body);
    expect(lines[0]).toBe(LEDGER_HEADER);
    const rows = lines.slice(1).map((l) => l.split(","));
    // A debit is a number finance can add up ("-80.00"), not text made inert like a formula.
    expect(rows.map((r) => [r[1], r[3], r[6], r[8], r[9], r[10]])).toEqual([
      [today, artist.id, "earning", "USD", "80.00", "8000"],
      [today, artist.id, "payout", "USD", "-80.00", "-8000"],
    ]);
    expect(rows[0]![11]).toBe(item.id);

    // A period before anything happened: the header alone.
    const none = await callRoute(
      t.db,
      ledgerCsvLoader,
      makeRequest("/admin/money/ledger.csv?from=2021-01-01&to=2021-01-31", {
        cookie: adminCookie,
      }),
    );
    expect(none.status).toBe(200);
    expect(csvLines(none.body)).toEqual([LEDGER_HEADER]);
  });

  it("a bad period goes back to the export form with the reason, never a 500 or a bare text page", async () => {
    const { adminCookie } = await program();
    const cases: [string, string][] = [
      ["", "Choose a date."],
      ["?from=2026-01-01", "Choose a date."],
      ["?from=2026-02-30&to=2026-03-01", "Choose a real date."],
      ["?from=01/02/2026&to=2026-03-01", "Choose a date."],
      ["?from=2026-03-01&to=2026-02-01", "The period ends before it starts."],
      ["?from=2026-13-01&to=2026-12-31", "Choose a real date."],
    ];
    for (const [query, reason] of cases) {
      const res = await callRoute(
        t.db,
        ledgerCsvLoader,
        makeRequest(`/admin/money/ledger.csv${query}`, { cookie: adminCookie }),
      );
      // Back to the export form, told why there (a flash message), never a bare text page.
      expect(res.status, query).toBe(302);
      expect(res.headers.get("location")).toBe("/admin/money/payouts#ledger-export");
      const flash = res.headers.get("set-cookie") ?? "";
      expect(flash, `${query}: ${reason}`).toMatch(/^greenroom_flash=[^;]+/);
    }
  });
});

describe("/admin/money/artists/<id>", () => {
  it("shows an artist's statement; anyone who is not an artist is not found", async () => {
    const { admin, artist, adminCookie } = await program();
    await approvedHours(admin, artist, "1");
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const open = (userId: string) =>
      callRoute(
        t.db,
        artistLoader,
        makeRequest(`/admin/money/artists/${userId}`, { cookie: adminCookie }),
        { userId },
      );
    const ok = await open(artist.id);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      artist: { id: artist.id },
      currency: "USD",
      totals: [{ currency: "USD", payableMinor: 4000 }],
    });
    for (const id of [reviewer.id, admin.id, "no-such-user"]) {
      const res = await open(id);
      expect(res.status, id).toBe(404);
      expect(res.body).toBe("No such artist.");
    }
    // A suspended artist keeps a statement: they may still be owed money.
    await t.db.update(users).set({ status: "suspended" }).where(eq(users.id, artist.id));
    expect((await open(artist.id)).status).toBe(200);
  });
});

describe("the money pages when something changed or went wrong", () => {
  it("/admin/money/payouts: the batch pays the previewed count and total, or is refused naming the change", async () => {
    const { admin, artist, adminCookie } = await program();
    await approvedHours(admin, artist, "1");
    const res = await callRoute(
      t.db,
      payoutsLoader,
      makeRequest("/admin/money/payouts?currency=USD", { cookie: adminCookie }),
    );
    const preview = (
      res.body as { preview: { payees: number; totalMinor: number; through: number } }
    ).preview;
    expect(preview).toMatchObject({ payees: 1, totalMinor: 4000 });
    // Another hour is approved after the admin looked: the balance is 80.00 now.
    await approvedHours(admin, artist, "1");
    const post = (totalMinor: number) =>
      callRoute(
        t.db,
        payoutsAction,
        makeRequest("/admin/money/payouts", {
          cookie: adminCookie,
          form: {
            currency: "USD",
            batchKey: randomUUID(),
            payees: "1",
            totalMinor: String(totalMinor),
            through: String(preview.through),
          },
        }),
      );
    const stale = await post(preview.totalMinor);
    expect(stale.status).toBe(409);
    expect((stale.body as ActionFailure).errors).toEqual({
      form: "The preview showed 1 artist and $40.00; it is now 1 and $80.00. Changed since: Ari Artist. Review the new totals.",
    });
    expect(await rowsOf.batches()).toEqual([]);
    const fresh = await post(8000);
    expect(fresh.status).toBe(302);
    expect(await rowsOf.payouts()).toMatchObject([{ userId: artist.id, amountMinor: 8000 }]);
  });

  it("/admin/money/payouts/<id>: a payout of another batch is a 404 there; a bad 'to' is a 422 on 'to'", async () => {
    const { admin, artist, adminCookie } = await program();
    await approvedHours(admin, artist, "2");
    const { batch, payouts: made } = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: randomUUID(),
    });
    const other = await createUser(t.db, { role: "artist", displayName: "Bo Artist" });
    await approvedHours(admin, other, "1");
    const { batch: otherBatch } = await createBatch(t.db, acting(admin), {
      currency: "USD",
      batchKey: randomUUID(),
    });
    const mark = (batchId: string, form: Record<string, string>) =>
      callRoute(
        t.db,
        batchAction,
        makeRequest(`/admin/money/payouts/${batchId}`, { cookie: adminCookie, form }),
        { batchId },
      );
    const elsewhere = await mark(otherBatch.id, {
      intent: "mark",
      to: "failed",
      reason: "Wrong page",
      id: made[0]!.id,
    });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body).toMatchObject({
      id: made[0]!.id,
      errors: { form: "That payout does not exist." },
    });
    expect(await t.db.select().from(payouts).where(eq(payouts.id, made[0]!.id))).toMatchObject([
      { state: "created" },
    ]);
    const bad = await mark(batch.id, { intent: "mark", to: "lost", id: made[0]!.id });
    expect(bad.status).toBe(422);
    expect(Object.keys((bad.body as ActionFailure).errors)).toEqual(["to"]);
    const short = await mark(batch.id, {
      intent: "mark",
      to: "failed",
      reason: "x",
      id: made[0]!.id,
    });
    expect(short.status).toBe(422);
    expect(short.body).toMatchObject({
      id: made[0]!.id,
      errors: { reason: "Say why the payout failed." },
    });
  });

  it("/admin/money/artists/<id>: an entry of another artist is not reversed from this page (404)", async () => {
    const { admin, artist, adminCookie } = await program();
    await approvedHours(admin, artist, "1");
    const other = await createUser(t.db, { role: "artist", displayName: "Bo Artist" });
    const [entry] = await rowsOf.ledger();
    const reverse = (userId: string) =>
      callRoute(
        t.db,
        artistAction,
        makeRequest(`/admin/money/artists/${userId}`, {
          cookie: adminCookie,
          form: { intent: "reverse", id: String(entry!.id), reason: "Logged twice" },
        }),
        { userId },
      );
    const wrong = await reverse(other.id);
    expect(wrong.status).toBe(404);
    expect(await rowsOf.ledger()).toHaveLength(1);
    const right = await reverse(artist.id);
    expect(right.status).toBe(302);
    expect(await rowsOf.ledger()).toHaveLength(2);
  });

  it("/earnings: a failed answer to a request is that request's failure; an unknown action the page's", async () => {
    const { admin, artist, artistCookie } = await program();
    const { clipId } = await approvedClip(t.db, artist);
    const { promotion } = await askPromotion(
      t.db,
      acting(admin),
      promotionInput.parse({ clipId, purpose: "Festival trailer", channels: ["YouTube"] }),
      { appUrl: APP_URL },
    );
    const post = (form: Record<string, string>) =>
      callRoute(t.db, earningsAction, makeRequest("/earnings", { cookie: artistCookie, form }));
    expect((await post({ intent: "accept-promotion", id: promotion.id })).status).toBe(302);
    const again = await post({ intent: "decline-promotion", id: promotion.id });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      ok: false,
      id: promotion.id,
      errors: { form: "This request was already accepted; nothing was changed." },
    });
    const unknown = await post({ intent: "launder" });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ ok: false, form: "page", errors: { form: UNKNOWN_ACTION } });
    // A day in year 0 is a 422 on the field, never a database error.
    const ancient = await post({
      intent: "log-hours",
      occurredOn: "0000-06-01",
      hours: "1",
      notes: "Time travel",
    });
    expect(ancient.status).toBe(422);
    expect((ancient.body as ActionFailure).errors.occurredOn).toBe(
      "Choose a date between 1900 and 2999.",
    );
  });

  it("/admin/money/rates: stipends say who was skipped; dates and amounts out of range are 422s", async () => {
    const { admin, artist, adminCookie } = await program();
    const eur = await createUser(t.db, { role: "artist", displayName: "Léa Martin" });
    await setPayoutCurrency(t.db, acting(admin), eur.id, "EUR");
    await joinedOn(t.db, [artist, eur]);
    const post = (form: Record<string, string>) =>
      callRoute(
        t.db,
        ratesAction,
        makeRequest("/admin/money/rates", { cookie: adminCookie, form }),
      );
    const month = todayUtc().slice(0, 7);
    const stipends = await post({ intent: "stipends", month });
    expect(stipends.status).toBe(302);
    expect((await flashOf(stipends))?.message).toBe(
      `Stipend for ${month} credited to 1 artist. 1 artist skipped: no rate card with a stipend in their currency on ${month}-01.`,
    );
    const longAgo = await post({ intent: "stipends", month: "2000-01" });
    expect(longAgo.status).toBe(422);
    expect((longAgo.body as ActionFailure).errors.month).toMatch(
      /^Stipends go back at most 12 months/,
    );
    const yearZero = await post({ intent: "stipends", month: "0000-01" });
    expect(yearZero.status).toBe(422);
    expect((yearZero.body as ActionFailure).errors).toEqual({
      month: "Choose a month between 1900 and 2999.",
    });
    const card = {
      intent: "publish",
      currency: "EUR",
      effectiveFrom: "0000-01-01",
      hourlyMinor: "1000000.01",
      feedbackReportMinor: "25",
      promoClipMinor: "150",
      stipendMonthlyMinor: "0",
    };
    const refused = await post(card);
    expect(refused.status).toBe(422);
    expect((refused.body as ActionFailure).errors).toEqual({
      effectiveFrom: "Choose a date between 1900 and 2999.",
      hourlyMinor: "Enter an amount of at most 1,000,000.00.",
    });
    const published = await post({
      ...card,
      effectiveFrom: "2020-01-01",
      hourlyMinor: "1000000",
      // A day before today is published once confirmed (refusals.test.ts).
      confirmPast: "on",
    });
    expect(published.status).toBe(302);
  });

  it("/admin/money/grants: a grant in another currency than the artist's is a 422 on currency", async () => {
    const { admin, artist, adminCookie } = await program();
    await setPayoutCurrency(t.db, acting(admin), artist.id, "EUR");
    const res = await callRoute(
      t.db,
      grantsAction,
      makeRequest("/admin/money/grants", {
        cookie: adminCookie,
        form: {
          intent: "award",
          userId: artist.id,
          amountMinor: "100",
          currency: "USD",
          purpose: "Festival travel",
          awardKey: randomUUID(),
        },
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      id: "award",
      errors: { currency: "Ari Artist is paid in EUR; award the grant in EUR." },
    });
  });
});
