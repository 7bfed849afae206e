import { eq } from "drizzle-orm";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { accessSettingsInput, updateAccessSettings } from "~/.server/access/settings";
import {
  createModel,
  DEFAULT_MODEL_ID,
  deliveredByModel,
  modelInput,
  modelsForArtist,
  setModelEnabled,
  syncDefaultModel,
} from "~/.server/generation/catalog";
import { runFfmpeg } from "~/.server/generation/media";
import { createLocalProvider } from "~/.server/generation/providers/local";
import { createOpenAIProvider } from "~/.server/generation/providers/openai";
import { runGenerationJob } from "~/.server/generation/runner";
import { action as modelsAction, loader as modelsLoader } from "~/routes/admin.models/route";
import { action as studioAction } from "~/routes/studio._index/route";
import { clips, generationJobs, generationModels, quotaMovements } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import {
  acting,
  callRoute,
  contextFor,
  createUser,
  makeRequest,
  sessionCookieFor,
  testProvenance,
  testStorage,
} from "../../support/factories";
import { useFakeOpenAIVideos } from "../../support/fake-openai-videos";
import { artistWith, jobRow, tempDir } from "../../support/generation";

const t = useTestDatabase();
const openaiServer = useFakeOpenAIVideos();

const studioService = { wake: () => {} };
/** The route context's generation service with the openai provider configured too. */
const withOpenAI = { configured: ["local", "openai"], takesImage: ["local", "openai"] };

async function soraEntry(overrides: Record<string, unknown> = {}) {
  const admin = await createUser(t.db, { role: "admin" });
  return createModel(
    t.db,
    acting(admin),
    modelInput.parse({
      provider: "openai",
      model: "sora-2-pro",
      displayName: "Sora 2 Pro",
      durations: ["5", "10"],
      resolutions: ["480p", "720p"],
      aspectRatios: ["16:9", "9:16"],
      takesImage: "on",
      costMultiplier: "2.5",
      cohorts: "",
      ...overrides,
    }),
  );
}

function studioForm(fields: Record<string, string | Blob>) {
  const form = new FormData();
  const all = {
    prompt: "A paper boat on a flooded street",
    durationSeconds: "5",
    resolution: "480p",
    aspectRatio: "16:9",
    style: "none",
    seed: "7",
    ...fields,
  };
  for (const [k, v] of Object.entries(all)) form.set(k, v);
  return form;
}

async function post(artistCookie: string, fields: Record<string, string | Blob>) {
  return callRoute(
    t.db,
    studioAction,
    makeRequest("/studio", { cookie: artistCookie, form: studioForm(fields) }),
    {},
    studioService,
  );
}

/** callRoute with the extra generation fields of a server running openai. */
async function postWithOpenAI(artistCookie: string, fields: Record<string, string | Blob>) {
  const request = makeRequest("/studio", { cookie: artistCookie, form: studioForm(fields) });
  const context = await contextFor(t.db, request);
  Object.assign(context.generation, withOpenAI);
  try {
    const result = await studioAction({ request, params: {}, context });
    if (result instanceof Response) return { status: result.status, body: null };
    const data = result as { init?: { status?: number }; data?: unknown };
    return { status: data.init?.status ?? 200, body: data.data ?? result };
  } catch (thrown) {
    if (thrown instanceof Response) return { status: thrown.status, body: null };
    throw thrown;
  }
}

async function png(name: string, size = "64x48") {
  const file = path.join(tempDir("ref"), `${name}.png`);
  await runFfmpeg(["-f", "lavfi", "-i", `testsrc=size=${size}`, "-frames:v", "1", "-y", file]);
  return new Blob([readFileSync(file)], { type: "image/png" });
}

describe("the model catalog", () => {
  it("keeps the default entry in step with the environment's provider, leaving its switches alone", async () => {
    await syncDefaultModel(t.db, createLocalProvider());
    const [first] = await t.db
      .select()
      .from(generationModels)
      .where(eq(generationModels.id, DEFAULT_MODEL_ID));
    expect(first).toMatchObject({
      provider: "local",
      model: "greenroom-stand-in-v1",
      isDefault: true,
      enabled: true,
      takesImage: true,
    });
    const admin = await createUser(t.db, { role: "admin" });
    await setModelEnabled(t.db, acting(admin), DEFAULT_MODEL_ID, false);
    const openai = createOpenAIProvider({ baseUrl: "http://model.internal/v1", model: "sora-2" });
    await syncDefaultModel(t.db, openai);
    const [second] = await t.db
      .select()
      .from(generationModels)
      .where(eq(generationModels.id, DEFAULT_MODEL_ID));
    expect(second).toMatchObject({ provider: "openai", model: "sora-2", enabled: false });
    expect(second!.capabilities.durations).toEqual([5, 10]);
    await setModelEnabled(t.db, acting(admin), DEFAULT_MODEL_ID, true);
    await syncDefaultModel(t.db, createLocalProvider());
  });

  it("offers an artist only the models that are on, open to their cohort, and configured here", async () => {
    await syncDefaultModel(t.db, createLocalProvider());
    const sora = await soraEntry({ model: "sora-cohort", cohorts: "wave-2, wave-3" });
    const artist = await artistWith(t.db);
    const session = { ...artist, sessionId: "s" } as never;
    const ids = async (configured: string[]) =>
      (await modelsForArtist(t.db, session, configured)).map((m) => m.id);
    expect(await ids(["local", "openai"])).not.toContain(sora.id);
    const admin = await createUser(t.db, { role: "admin" });
    await updateAccessSettings(
      t.db,
      acting(admin),
      artist.id,
      accessSettingsInput.parse({
        monthlyQuotaSeconds: 600,
        maxDurationSeconds: 20,
        maxResolution: "1080p",
        maxConcurrentJobs: 2,
        cohort: "wave-2",
      }),
    );
    expect(await ids(["local", "openai"])).toContain(sora.id);
    expect(await ids(["local"])).not.toContain(sora.id);
    await setModelEnabled(t.db, acting(admin), sora.id, false);
    expect(await ids(["local", "openai"])).not.toContain(sora.id);
  });

  it("queues on the picked model with its image, charges its cost, and records it on the job", async () => {
    await syncDefaultModel(t.db, createLocalProvider());
    const sora = await soraEntry({ model: "sora-queue" });
    const artist = await artistWith(t.db, { monthlyQuotaSeconds: 100 });
    const cookie = await sessionCookieFor(t.db, artist);
    const res = await postWithOpenAI(cookie, {
      modelId: sora.id,
      referenceImage: await png("boat"),
    });
    expect(res.status).toBe(302);
    const [job] = await t.db
      .select()
      .from(generationJobs)
      .where(eq(generationJobs.userId, artist.id));
    expect(job).toMatchObject({ provider: "openai", modelId: sora.id });
    expect(job!.referenceImageKey).toMatch(/^references\/[0-9a-f]{32}\.png$/);
    const [reserve] = await t.db
      .select()
      .from(quotaMovements)
      .where(eq(quotaMovements.jobId, job!.id));
    // 5 s at 2.5 quota seconds a second.
    expect(reserve!.seconds).toBe(13);
  });

  it("refuses, next to its field, a model that is off, an image for a model that takes none, and a cost over quota", async () => {
    await syncDefaultModel(t.db, createLocalProvider());
    const admin = await createUser(t.db, { role: "admin" });
    const off = await soraEntry({ model: "sora-off" });
    await setModelEnabled(t.db, acting(admin), off.id, false);
    const textOnly = await soraEntry({ model: "sora-text", takesImage: undefined });
    const pricey = await soraEntry({ model: "sora-pricey", costMultiplier: "50" });
    const artist = await artistWith(t.db, { monthlyQuotaSeconds: 100 });
    const cookie = await sessionCookieFor(t.db, artist);

    const offRes = await postWithOpenAI(cookie, { modelId: off.id });
    expect(offRes.status).toBe(422);
    expect(JSON.stringify(offRes.body)).toMatch(/modelId.*not available to you/);
    const imageRes = await postWithOpenAI(cookie, {
      modelId: textOnly.id,
      referenceImage: await png("x"),
    });
    expect(imageRes.status).toBe(422);
    expect(JSON.stringify(imageRes.body)).toMatch(/referenceImage.*cannot start from an image/);
    const priceyRes = await postWithOpenAI(cookie, { modelId: pricey.id });
    expect(priceyRes.status).toBe(422);
    expect(JSON.stringify(priceyRes.body)).toMatch(/costs 250 s of quota/);
    const jobs = await t.db
      .select()
      .from(generationJobs)
      .where(eq(generationJobs.userId, artist.id));
    expect(jobs).toHaveLength(0);
    // A plain post without a model still goes to the default entry.
    expect((await post(cookie, {})).status).toBe(302);
  });

  it("runs a catalog model through the runner: asks the server for it and records it on the clip", async () => {
    const fake = openaiServer.server;
    fake.reset();
    const sora = await soraEntry({ model: "sora-2-pro-run", costMultiplier: "1" });
    const artist = await artistWith(t.db);
    const bossJobId = crypto.randomUUID();
    const [job] = await t.db
      .insert(generationJobs)
      .values({
        userId: artist.id,
        provider: "openai",
        modelId: sora.id,
        prompt: "A lighthouse",
        durationSeconds: 5,
        resolution: "480p",
        aspectRatio: "16:9",
        style: "none",
        seed: 1,
        status: "running",
        bossJobId,
        dispatchedAt: new Date(),
      })
      .returning();
    await t.db.insert(quotaMovements).values({
      userId: artist.id,
      jobId: job!.id,
      kind: "reserve",
      seconds: 5,
      month: new Date().toISOString().slice(0, 7) + "-01",
    });
    fake.planNextVideo([{ status: "completed" }]);
    await runGenerationJob(
      {
        db: t.db,
        providers: new Map([
          [
            "openai",
            createOpenAIProvider({
              baseUrl: fake.baseUrl,
              apiKey: fake.apiKey,
              model: "sora-2",
              pollIntervalMs: 100,
            }),
          ],
        ]),
        storage: testStorage,
        provenance: testProvenance,
        logger: pino({ level: "silent" }),
        workDir: tempDir("catalog-run"),
        heartbeatMs: 1000,
        retryBaseMs: 100,
        sendRetry: async () => {
          throw new Error("No retry was expected");
        },
      },
      job!.id,
      bossJobId,
    );
    expect((await jobRow(t.db, job!.id)).status).toBe("succeeded");
    expect(fake.requests.find((r) => r.method === "POST")?.fields?.model).toBe("sora-2-pro-run");
    const [clip] = await t.db.select().from(clips).where(eq(clips.id, job!.id));
    expect(clip).toMatchObject({ provider: "openai", model: "sora-2-pro-run" });
    // The dashboard's breakdown names it by its catalog name.
    expect(await deliveredByModel(t.db)).toContainEqual({
      model: "Sora 2 Pro",
      clips: 1,
      seconds: 5,
    });
  });
});

describe("/admin/models", () => {
  it("lists the catalog for admins, adds a model, refuses a bad one next to its field, and switches one off", async () => {
    await syncDefaultModel(t.db, createLocalProvider());
    const admin = await createUser(t.db, { role: "admin" });
    const cookie = await sessionCookieFor(t.db, admin);
    const add = (fields: Record<string, string>) => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      for (const d of ["5", "10"]) form.append("durations", d);
      form.append("resolutions", "720p");
      form.append("aspectRatios", "16:9");
      return callRoute(t.db, modelsAction, makeRequest("/admin/models", { cookie, form }));
    };
    const bad = await add({
      intent: "create",
      provider: "openai",
      model: "x y",
      displayName: "Spaced",
      costMultiplier: "0",
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toMatch(/"model":"Use the provider's model id/);
    expect(JSON.stringify(bad.body)).toMatch(/"costMultiplier":"The cost is more than 0/);

    const ok = await add({
      intent: "create",
      provider: "openai",
      model: "house-model-v3",
      displayName: "House model v3",
      costMultiplier: "1.5",
      cohorts: "wave-1",
    });
    expect(ok.status).toBe(302);
    const listed = await callRoute(t.db, modelsLoader, makeRequest("/admin/models", { cookie }));
    const models = (listed.body as { models: { id: string; displayName: string }[] }).models;
    const house = models.find((m) => m.displayName === "House model v3")!;
    expect(house).toMatchObject({ cohorts: ["wave-1"], costMultiplier: 1.5, enabled: true });

    const off = await callRoute(
      t.db,
      modelsAction,
      makeRequest("/admin/models", { cookie, form: { intent: "disable", id: house.id } }),
    );
    expect(off.status).toBe(302);
    const [row] = await t.db
      .select()
      .from(generationModels)
      .where(eq(generationModels.id, house.id));
    expect(row!.enabled).toBe(false);
  });
});
