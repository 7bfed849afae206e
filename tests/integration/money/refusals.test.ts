import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ActionFailure } from "~/lib/intents";
import { todayUtc } from "~/.server/money/dates";
import { approveContribution, hoursInput, logHours } from "~/.server/money/contributions";
import { publishRateCard, rateCardInput } from "~/.server/money/rates";
import { UNKNOWN_ACTION } from "~/lib/validation";
import { rateCards, type User } from "~db/schema";
import { action as accessAction } from "~/routes/admin.access/route";
import { action as grantsAction } from "~/routes/admin.money.grants/route";
import { action as batchAction } from "~/routes/admin.money.payouts.$batchId/route";
import {
  action as payoutsAction,
  loader as payoutsLoader,
} from "~/routes/admin.money.payouts._index/route";
import { action as ratesAction } from "~/routes/admin.money.rates/route";
import { useTestDatabase } from "../../support/db";
import {
  acting,
  APP_URL,
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
} from "../../support/factories";

// Refusals as a person meets them: in plain sentences beside the field (never zod's own words),
// with a way on: a refused batch offers a fresh preview, a backdated rate card asks first.

const t = useTestDatabase();

/** What zod says when a schema gave no message of its own: none of it may reach a page. */
const RAW_ZOD = /Invalid (input|option|discriminator|UUID)|expected \w+, received|Too (big|small)/;

function day(offset: number) {
  const d = new Date(`${todayUtc()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

async function admin() {
  const person = await createUser(t.db, { role: "admin", displayName: "Ada Admin" });
  return { person, cookie: await sessionCookieFor(t.db, person) };
}

const post = (
  fn: Parameters<typeof callRoute>[1],
  path: string,
  cookie: string,
  form: Record<string, string>,
  params: Record<string, string> = {},
) => callRoute(t.db, fn, makeRequest(path, { cookie, form }), params);

const card = (effectiveFrom: string) => ({
  intent: "publish",
  currency: "USD",
  effectiveFrom,
  hourlyMinor: "40.00",
  feedbackReportMinor: "25.00",
  promoClipMinor: "150.00",
  stipendMonthlyMinor: "200.00",
});

describe("/admin/money/rates: a backdated card asks first", () => {
  it("a start date before today is a 409 with a warning and the posted values; confirmed, it is published", async () => {
    const { cookie } = await admin();
    const past = day(-10);
    const asked = await post(ratesAction, "/admin/money/rates", cookie, card(past));
    expect(asked.status).toBe(409);
    expect(asked.body).toMatchObject({
      ok: false,
      form: "publish",
      errors: { effectiveFrom: expect.stringMatching(/is before today/) },
      backdated: {
        from: past,
        today: todayUtc(),
        values: { effectiveFrom: past, hourlyMinor: "40.00" },
      },
    });
    expect(await t.db.select().from(rateCards)).toEqual([]);

    const confirmed = await post(ratesAction, "/admin/money/rates", cookie, {
      ...card(past),
      confirmPast: "on",
    });
    expect(confirmed.status).toBe(302);
    expect(await t.db.select().from(rateCards)).toMatchObject([{ effectiveFrom: past }]);
  });

  it("today and later need no confirmation", async () => {
    const { cookie } = await admin();
    expect((await post(ratesAction, "/admin/money/rates", cookie, card(todayUtc()))).status).toBe(
      302,
    );
    const later = await post(ratesAction, "/admin/money/rates", cookie, {
      ...card(day(30)),
      currency: "EUR",
    });
    expect(later.status).toBe(302);
    expect(await t.db.select().from(rateCards)).toHaveLength(2);
  });
});

describe("/admin/money/payouts: a refused batch", () => {
  async function owed(by: User, hours: string) {
    const artist = await createUser(t.db, { role: "artist", displayName: "Ari Artist" });
    const item = await logHours(
      t.db,
      acting(artist),
      hoursInput.parse({ occurredOn: todayUtc(), hours, notes: "Tested long prompts." }),
    );
    await approveContribution(t.db, acting(by), item.id, { appUrl: APP_URL });
    return artist;
  }

  it("is the batch form's refusal (the page then hides the stale rows) and names no raw validator text", async () => {
    const { person, cookie } = await admin();
    await publishRateCard(t.db, acting(person), rateCardInput.parse(card("2020-01-01")));
    await owed(person, "1");
    const seen = await callRoute(
      t.db,
      payoutsLoader,
      makeRequest("/admin/money/payouts?currency=USD", { cookie }),
    );
    const preview = (
      seen.body as { preview: { payees: number; totalMinor: number; through: number } }
    ).preview;
    await owed(person, "2");
    const stale = await post(payoutsAction, "/admin/money/payouts", cookie, {
      currency: "USD",
      batchKey: randomUUID(),
      payees: String(preview.payees),
      totalMinor: String(preview.totalMinor),
      through: String(preview.through),
    });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ ok: false, form: "batch" });
    expect((stale.body as ActionFailure).errors.form).toMatch(/^The preview showed 1 artist/);

    const edited = await post(payoutsAction, "/admin/money/payouts", cookie, {
      currency: "USD",
      batchKey: randomUUID(),
      payees: "lots",
      totalMinor: "1",
      through: "1",
    });
    expect(edited.status).toBe(422);
    expect(edited.body).toMatchObject({ form: "batch", errors: { previewed: "Enter a number." } });
    // The preview afterwards is today's: both hours, one artist.
    const fresh = await callRoute(
      t.db,
      payoutsLoader,
      makeRequest("/admin/money/payouts?currency=USD", { cookie }),
    );
    expect((fresh.body as { preview: { totalMinor: number } }).preview.totalMinor).toBe(12_000);
  });
});

describe("refusals read as sentences, not validator output", () => {
  it("unknown intents, NaN, a bad choice and a fraction on the admin money, grants and access pages", async () => {
    const { cookie } = await admin();
    const artist = await createUser(t.db, { role: "artist", displayName: "Ari Artist" });
    const answers = [
      await post(ratesAction, "/admin/money/rates", cookie, { intent: "launder" }),
      await post(ratesAction, "/admin/money/rates", cookie, {
        ...card(todayUtc()),
        hourlyMinor: "lots",
      }),
      await post(payoutsAction, "/admin/money/payouts", cookie, {
        intent: "exclude",
        currency: "XYZ",
        userId: artist.id,
      }),
      await post(grantsAction, "/admin/money/grants", cookie, {
        intent: "award",
        userId: artist.id,
        amountMinor: "NaN",
        currency: "USD",
        purpose: "Festival travel",
      }),
      await post(accessAction, "/admin/access", cookie, {
        intent: "cohort",
        name: "Autumn",
        monthlyQuotaSeconds: "600",
        maxDurationSeconds: "7.5",
        maxResolution: "720p",
        maxConcurrentJobs: "2",
      }),
      await post(accessAction, "/admin/access", cookie, {
        intent: "answer",
        requestId: "x",
        grantedSeconds: "",
      }),
      await post(
        batchAction,
        "/admin/money/payouts/x",
        cookie,
        { intent: "mark", to: "lost", id: "p" },
        { batchId: "x" },
      ),
    ];
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(JSON.stringify(answer.body)).not.toMatch(RAW_ZOD);
    }
    expect((answers[0]!.body as ActionFailure).errors.form).toBe(UNKNOWN_ACTION);
    expect((answers[4]!.body as ActionFailure).errors.maxDurationSeconds).toBe(
      "Choose a duration.",
    );
    expect((answers[6]!.body as ActionFailure).errors.to).toBe("Choose one of the options.");
  });
});
