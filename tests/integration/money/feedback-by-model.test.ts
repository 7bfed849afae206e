import { describe, expect, it } from "vitest";
import { createModel, modelInput, syncDefaultModel } from "~/.server/generation/catalog";
import { createLocalProvider } from "~/.server/generation/providers/local";
import {
  approveContribution,
  feedbackInput,
  fileFeedbackReport,
  rejectContribution,
} from "~/.server/money/contributions";
import { feedbackReportsByModel } from "~/.server/money/views";
import { loader as overviewLoader } from "~/routes/admin.money._index/route";
import { generationJobs, type User } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import {
  acting,
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
} from "../../support/factories";
import { createFinishedClip } from "../../support/generation";
import { MONEY_OPTIONS, publishCard } from "../../support/money";

// Every clip records its model, and feedback reports break down by it (issue 20, ADR 0022): the
// admins' list names each report's model, and a table counts reports per model and category.
// The figures below are counted by hand from the reports filed here.

const t = useTestDatabase();

/** A generation of `artist` on catalog model `modelId` (a failed one: reports need not be about clips). */
async function generationOn(artist: User, modelId: string | null, provider = "local") {
  const [job] = await t.db
    .insert(generationJobs)
    .values({
      userId: artist.id,
      provider,
      modelId,
      prompt: `A test generation on ${modelId ?? "no model"}`,
      durationSeconds: 5,
      resolution: "480p",
      aspectRatio: "16:9",
      style: "none",
      seed: 1,
      status: "failed",
      finishedAt: new Date(),
    })
    .returning();
  return job!.id;
}

async function report(artist: User, generationId: string, category: string) {
  return fileFeedbackReport(
    t.db,
    acting(artist),
    feedbackInput.parse({
      generationId,
      category,
      description: `A ${category} report about this generation.`,
    }),
  );
}

async function catalog(admin: User) {
  await syncDefaultModel(t.db, createLocalProvider());
  const sora = await createModel(
    t.db,
    acting(admin),
    modelInput.parse({
      provider: "openai",
      model: "sora-2",
      displayName: "Sora gateway",
      durations: ["5"],
      resolutions: ["480p"],
      aspectRatios: ["16:9"],
      costMultiplier: "2",
    }),
  );
  return { defaultId: "default", soraId: sora.id };
}

describe("feedback reports by model", () => {
  it("counts reports per model and category, leaving out rejected ones, on the admins' page too", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const ines = await createUser(t.db, { displayName: "Ines Okafor" });
    const tomas = await createUser(t.db, { displayName: "Tomas Lind" });
    await publishCard(t.db, admin);
    const { defaultId, soraId } = await catalog(admin);

    const inesOnDefault = await generationOn(ines, defaultId);
    const inesOnSora = await generationOn(ines, soraId, "openai");
    const tomasOnSora = await generationOn(tomas, soraId, "openai");
    // From before the catalog: no model id; its clip recorded the stand-in's model name.
    const { clip: oldClip } = await createFinishedClip(t.db, tomas);

    // Sora gateway: safety ×2 (one approved), bug ×1, quality ×1 rejected (not counted).
    const s1 = await report(ines, inesOnSora, "safety");
    await report(tomas, tomasOnSora, "safety");
    await report(tomas, tomasOnSora, "bug");
    const rejected = await report(ines, inesOnSora, "quality");
    await approveContribution(t.db, acting(admin), s1.id, MONEY_OPTIONS);
    await rejectContribution(
      t.db,
      acting(admin),
      rejected.id,
      "Not about the model.",
      MONEY_OPTIONS,
    );
    // The stand-in (default entry): quality ×1, idea ×1.
    await report(ines, inesOnDefault, "quality");
    await report(ines, inesOnDefault, "idea");
    // Before the catalog: bug ×1.
    await report(tomas, oldClip.id, "bug");

    const rows = await feedbackReportsByModel(t.db, acting(admin));
    expect(rows).toEqual([
      {
        modelId: soraId,
        model: "Sora gateway",
        total: 3,
        pending: 2,
        quality: 0,
        safety: 2,
        bug: 1,
        idea: 0,
      },
      {
        modelId: defaultId,
        model: "Stand-in renderer",
        total: 2,
        pending: 2,
        quality: 1,
        safety: 0,
        bug: 0,
        idea: 1,
      },
      {
        modelId: null,
        model: "greenroom-stand-in-v1",
        total: 1,
        pending: 1,
        quality: 0,
        safety: 0,
        bug: 1,
        idea: 0,
      },
    ]);

    // The page: the same table, and each waiting report names its model.
    const res = await callRoute(
      t.db,
      overviewLoader,
      makeRequest("/admin/money", { cookie: await sessionCookieFor(t.db, admin) }),
    );
    expect(res.status).toBe(200);
    const data = res.body as {
      feedbackByModel: unknown[];
      pendingContributions: { contribution: { category: string }; model: string | null }[];
    };
    expect(data.feedbackByModel).toEqual(rows);
    const pending = data.pendingContributions.map((p) => `${p.contribution.category} ${p.model}`);
    expect(pending.sort()).toEqual(
      [
        "safety Sora gateway",
        "bug Sora gateway",
        "quality Stand-in renderer",
        "idea Stand-in renderer",
        "bug greenroom-stand-in-v1",
      ].sort(),
    );
  });

  it("is for admins only", async () => {
    const artist = await createUser(t.db);
    await expect(feedbackReportsByModel(t.db, acting(artist))).rejects.toMatchObject({
      status: 403,
    });
  });
});
