import { and, asc, eq, inArray } from "drizzle-orm";
import { actingAs } from "~/.server/auth/guards";
import type { Db } from "~/.server/db";
import {
  approveContribution,
  logHours,
  fileFeedbackReport,
  rejectContribution,
} from "~/.server/money/contributions";
import { todayUtc } from "~/.server/money/dates";
import type { FeedbackCategory } from "~/lib/money";
import { awardGrant } from "~/.server/money/grants";
import { createBatch, markPayout } from "~/.server/money/payouts";
import { acceptPromotion, askPromotion } from "~/.server/money/promotions";
import { publishRateCard, setPayoutCurrency } from "~/.server/money/rates";
import { recordStipends } from "~/.server/money/stipends";
import {
  generationJobs,
  payouts,
  rateCards,
  submissions,
  submissionVersions,
  users,
  type User,
} from "./schema";

// A compensation history that reads like a program a few months in: a rate card raised once and a
// raise announced, EUR for one artist, stipends, approved and waiting contributions, a paid batch
// (with one failed transfer back in the balance), grants, and promotional use asked and accepted.
// It goes through the domain functions, so the ledger and its balances are exactly what the
// product would have written. Dates are relative to today.

const SEED_THRESHOLD_MINOR = 50_000;

function firstOfMonth(offset: number, now = new Date()) {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return d.toISOString().slice(0, 10);
}

function daysAgo(days: number, now = new Date()) {
  return todayUtc(new Date(now.getTime() - days * 86_400_000));
}

const acting = (user: User) =>
  actingAs(user, { ip: "127.0.0.1", userAgent: "greenroom demo seed" });

export async function seedDemoMoney(db: Db, options: { appUrl: string }) {
  const [existing] = await db.select({ id: rateCards.id }).from(rateCards).limit(1);
  if (existing) return 0;
  const people = await db
    .select()
    .from(users)
    .where(
      inArray(users.email, [
        "admin@greenroom.test",
        "omar.castillo@greenroom.test",
        "artist@greenroom.test",
        "artist2@greenroom.test",
        "mira.okafor@greenroom.test",
        "jonas.berg@greenroom.test",
      ]),
    );
  const by = (email: string) => people.find((p) => p.email === email);
  const [ada, omar, ari, bea, mira, jonas] = [
    "admin@greenroom.test",
    "omar.castillo@greenroom.test",
    "artist@greenroom.test",
    "artist2@greenroom.test",
    "mira.okafor@greenroom.test",
    "jonas.berg@greenroom.test",
  ].map(by);
  if (!ada || !omar || !ari || !bea || !mira || !jonas) return 0;
  const admin = acting(ada);
  const opts = { appUrl: options.appUrl };
  const grantOpts = { ...opts, approvalThresholdMinor: SEED_THRESHOLD_MINOR };

  const card = (currency: "USD" | "EUR", effectiveFrom: string, rates: number[], note: string) =>
    publishRateCard(db, admin, {
      currency,
      effectiveFrom,
      hourlyMinor: rates[0]!,
      feedbackReportMinor: rates[1]!,
      promoClipMinor: rates[2]!,
      stipendMonthlyMinor: rates[3]!,
      note,
    });
  await card("USD", firstOfMonth(-5), [4000, 6000, 25000, 20000], "Launch rates.");
  await card(
    "USD",
    firstOfMonth(-1),
    [4500, 7500, 30000, 25000],
    "Raised after the first program review.",
  );
  await card(
    "USD",
    firstOfMonth(1),
    [5000, 7500, 30000, 25000],
    "Announced: the hourly rate rises next month.",
  );
  await card(
    "EUR",
    firstOfMonth(-5),
    [4200, 6500, 27500, 22000],
    "Launch rates for artists paid in euros.",
  );
  await setPayoutCurrency(db, admin, bea.id, "EUR");

  const hours = async (artist: User, daysBack: number, h: string, notes: string) =>
    logHours(db, acting(artist), { occurredOn: daysAgo(daysBack), hours: Number(h) * 60, notes });
  const firstGeneration = async (artist: User) => {
    const [g] = await db
      .select({ id: generationJobs.id })
      .from(generationJobs)
      .where(eq(generationJobs.userId, artist.id))
      .orderBy(asc(generationJobs.createdAt))
      .limit(1);
    return g?.id ?? null;
  };

  // The program is a few months old: its artists joined when the first card launched. (A stipend
  // only goes to an account that existed before its month ended.)
  await db
    .update(users)
    .set({ createdAt: new Date(`${firstOfMonth(-5)}T09:00:00Z`) })
    .where(inArray(users.id, [ari.id, bea.id, mira.id, jonas.id]));

  // Last month: stipends and the first approved work, paid in one batch.
  await recordStipends(db, admin, firstOfMonth(-1).slice(0, 7));
  const early = [
    await hours(
      ari,
      40,
      "2.5",
      "Stress-tested long prompts with camera moves; logged where motion smeared.",
    ),
    await hours(mira, 24, "4", "Compared 9:16 and 16:9 framing across twenty prompts."),
  ];
  for (const c of early) await approveContribution(db, admin, c.id, opts);
  const ariGeneration = await firstGeneration(ari);
  if (ariGeneration) {
    const report = await fileFeedbackReport(db, acting(ari), {
      generationId: ariGeneration,
      category: "quality",
      description: "Water reflections flicker in the last second of every 8-second clip at 1080p.",
    });
    await approveContribution(db, admin, report.id, opts);
  }
  const batch = await createBatch(db, admin, {
    currency: "USD",
    batchKey: crypto.randomUUID(),
    note: "Monthly payouts",
  });
  for (const payout of batch.payouts) {
    await markPayout(
      db,
      admin,
      payout,
      { to: "sent", reference: `GR-TX-${payout.id.slice(0, 6).toUpperCase()}` },
      opts,
    );
    if (payout.userId === jonas.id)
      await markPayout(
        db,
        admin,
        payout,
        { to: "failed", reason: "The bank returned it: account closed. Waiting for new details." },
        opts,
      );
    else await markPayout(db, admin, payout, { to: "paid" }, opts);
  }

  // This month: work approved and payable, work waiting for an admin, a rejected report.
  const recent = await hours(
    ari,
    10,
    "3",
    "Ran the new seed-locking prompts; noted drift after 6 seconds.",
  );
  await approveContribution(db, admin, recent.id, opts);
  await hours(ari, 2, "1.5", "Tested vertical output with text overlays.");
  if (ariGeneration) {
    const dull = await fileFeedbackReport(db, acting(ari), {
      generationId: ariGeneration,
      category: "idea",
      description: "A button to loop the preview would help when judging motion.",
    });
    await rejectContribution(
      db,
      admin,
      dull.id,
      "Already on the roadmap (filed by three artists in October); thank you.",
      opts,
    );
  }
  // Reports about clips of other catalog models, waiting for an admin: /admin/money counts them
  // per model (seed-models.ts, seed-clips.ts).
  const generationOf = async (artist: User, prompt: string) => {
    const [g] = await db
      .select({ id: generationJobs.id })
      .from(generationJobs)
      .where(and(eq(generationJobs.userId, artist.id), eq(generationJobs.prompt, prompt)))
      .limit(1);
    return g?.id ?? null;
  };
  const modelReports: [User, string, FeedbackCategory, string][] = [
    [
      ari,
      "Paper birds migrating across a city of stacked books",
      "quality",
      "The draft model smears the birds' wings into the background whenever they turn.",
    ],
    [
      bea,
      "A carousel of melting clocks turning under a violet sky",
      "bug",
      "The residency preview renders the last second as a frozen frame on 10-second clips.",
    ],
    [
      bea,
      "Morning fog lifting off a mountain lake, a heron takes flight",
      "safety",
      "A prompt naming a real lake produced a recognisable private house on its shore.",
    ],
    [
      mira,
      "Ink drops blooming into a coral reef, slow and silent",
      "idea",
      "Let the backdrop model keep the image's colours instead of its own palette.",
    ],
  ];
  for (const [artist, prompt, category, description] of modelReports) {
    const generationId = await generationOf(artist, prompt);
    if (generationId)
      await fileFeedbackReport(db, acting(artist), { generationId, category, description });
  }

  const beaHours = await hours(bea, 8, "2", "Checked safety filters on crowd scenes.");
  await approveContribution(db, admin, beaHours.id, opts);
  await hours(bea, 1, "1.25", "Short session on portrait lighting.");

  await awardGrant(
    db,
    admin,
    {
      userId: ari.id,
      amountMinor: 30_000,
      currency: "USD",
      purpose: "Equipment grant: reference monitor",
    },
    grantOpts,
  );
  await awardGrant(
    db,
    acting(omar),
    {
      userId: bea.id,
      amountMinor: 120_000,
      currency: "EUR",
      purpose: "Residency: a three-week short film with the model",
    },
    grantOpts,
  );

  // Promotional use: asked of Ari (waiting), accepted by Mira.
  const approvedClip = async (artist: User) => {
    const [row] = await db
      .select({ clipId: submissionVersions.clipId })
      .from(submissions)
      .innerJoin(
        submissionVersions,
        and(
          eq(submissionVersions.submissionId, submissions.id),
          eq(submissionVersions.number, submissions.currentVersion),
        ),
      )
      .where(and(eq(submissions.userId, artist.id), eq(submissions.state, "approved")))
      .limit(1);
    return row?.clipId ?? null;
  };
  const ariClip = await approvedClip(ari);
  if (ariClip)
    await askPromotion(
      db,
      admin,
      {
        clipId: ariClip,
        purpose: "Opening shot of the program's launch trailer",
        channels: ["Program website", "YouTube"],
      },
      opts,
    );
  const miraClip = await approvedClip(mira);
  if (miraClip) {
    const { promotion } = await askPromotion(
      db,
      admin,
      {
        clipId: miraClip,
        purpose: "Newsletter feature on vertical storytelling",
        channels: ["Newsletter", "Instagram"],
      },
      opts,
    );
    await acceptPromotion(db, acting(mira), promotion.id);
  }
  const [{ count }] = [{ count: (await db.select({ id: payouts.id }).from(payouts)).length }];
  return count;
}
