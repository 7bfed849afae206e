import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, generationJobs, quotaMovements, type User } from "~db/schema";
import { updateAccessSettings, accessSettingsInput } from "~/.server/access/settings";
import {
  queueGeneration,
  quotaMonth,
  quotaUsage,
  refusalFor,
  settleReservation,
  generationRequest,
} from "~/.server/generation/quota";
import { useTestDatabase } from "../../support/db";
import { acting, createUser } from "../../support/factories";
import { artistWith as artistWithAccess, request } from "../../support/generation";

const t = useTestDatabase();

// Tight quotas here, so the ledger's edges are easy to reach.
const artistWith = (settings: Record<string, unknown> = {}): Promise<User> =>
  artistWithAccess(t.db, { monthlyQuotaSeconds: 30, ...settings });

describe("the quota ledger", () => {
  it("reserves in the transaction that queues, then commits exactly once", async () => {
    const artist = await artistWith();
    const job = await queueGeneration(t.db, acting(artist), request({ durationSeconds: 10 }));
    expect(await quotaUsage(t.db, artist.id, 30)).toEqual({
      quotaSeconds: 30,
      committedSeconds: 0,
      reservedSeconds: 10,
      remainingSeconds: 20,
    });
    expect(await settleReservation(t.db, job.id, "commit")).toBe(true);
    // A retry after a crash, or a second worker, changes nothing.
    expect(await settleReservation(t.db, job.id, "commit")).toBe(false);
    expect(await settleReservation(t.db, job.id, "release")).toBe(false);
    expect(await quotaUsage(t.db, artist.id, 30)).toEqual({
      quotaSeconds: 30,
      committedSeconds: 10,
      reservedSeconds: 0,
      remainingSeconds: 20,
    });
  });

  it("gives the seconds back on failure or cancel, exactly once", async () => {
    const artist = await artistWith();
    const job = await queueGeneration(t.db, acting(artist), request({ durationSeconds: 15 }));
    const results = await Promise.all([
      settleReservation(t.db, job.id, "release"),
      settleReservation(t.db, job.id, "release"),
      settleReservation(t.db, job.id, "commit"),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const movements = await t.db
      .select()
      .from(quotaMovements)
      .where(eq(quotaMovements.jobId, job.id));
    expect(movements).toHaveLength(2);
  });

  it("never lets parallel requests spend more than the quota", async () => {
    const artist = await artistWith({ monthlyQuotaSeconds: 20 });
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, () =>
        queueGeneration(t.db, acting(artist), request({ durationSeconds: 5 })),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(4);
    const refused = attempts.find((a) => a.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ status: 422, field: "durationSeconds" });
    expect((await quotaUsage(t.db, artist.id, 20)).remainingSeconds).toBe(0);
  });

  it("refuses outside the window and over the limits, with the reason next to the field", async () => {
    const past = await artistWith({ accessFrom: "2020-01-01", accessUntil: "2020-02-01" });
    await expect(queueGeneration(t.db, acting(past), request())).rejects.toMatchObject({
      status: 422,
      message: /closed on 1 February 2020/,
    });
    const future = await artistWith({ accessFrom: "2999-01-01" });
    await expect(queueGeneration(t.db, acting(future), request())).rejects.toThrow(/opens on/);
    const limited = await artistWith({ maxDurationSeconds: 10, maxResolution: "720p" });
    await expect(
      queueGeneration(t.db, acting(limited), request({ durationSeconds: 15 })),
    ).rejects.toMatchObject({ field: "durationSeconds" });
    await expect(
      queueGeneration(t.db, acting(limited), request({ resolution: "1080p" })),
    ).rejects.toMatchObject({ field: "resolution" });
    const none = await createUser(t.db, { role: "artist" });
    await expect(queueGeneration(t.db, acting(none), request())).rejects.toThrow(/not been set up/);
    expect(await t.db.select().from(generationJobs)).toHaveLength(0);
    expect(await t.db.select().from(quotaMovements)).toHaveLength(0);
  });

  it("only artists generate", async () => {
    const reviewer = await createUser(t.db, { role: "reviewer" });
    await expect(queueGeneration(t.db, acting(reviewer), request())).rejects.toMatchObject({
      status: 403,
    });
  });

  it("stores the seed given, or picks one", async () => {
    const artist = await artistWith();
    expect((await queueGeneration(t.db, acting(artist), request({ seed: "1234" }))).seed).toBe(
      1234,
    );
    expect(
      Number.isInteger((await queueGeneration(t.db, acting(artist), request({ seed: "" }))).seed),
    ).toBe(true);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "generation.queued"));
    expect(entry).toMatchObject({ actorId: artist.id, subjectType: "generation_job" });
  });

  it("counts per calendar month (UTC)", () => {
    expect(quotaMonth(new Date("2026-11-30T23:59:59Z"))).toBe("2026-11-01");
    expect(quotaMonth(new Date("2026-12-01T00:00:00Z"))).toBe("2026-12-01");
    const usage = {
      quotaSeconds: 30,
      committedSeconds: 0,
      reservedSeconds: 0,
      remainingSeconds: 30,
    };
    expect(refusalFor(null, { durationSeconds: 5, resolution: "480p" }, usage)).toMatchObject({
      field: "form",
    });
  });

  it("validates the request", () => {
    const bad = generationRequest.safeParse({
      prompt: "",
      durationSeconds: 7,
      resolution: "4k",
      aspectRatio: "4:3",
      style: "sepia",
      seed: "-1",
    });
    expect(bad.success).toBe(false);
    const fields = new Set(bad.error!.issues.map((i) => i.path[0]));
    expect(fields).toEqual(
      new Set(["prompt", "durationSeconds", "resolution", "aspectRatio", "style", "seed"]),
    );
    expect(
      generationRequest.safeParse({
        prompt: "x".repeat(2001),
        durationSeconds: 5,
        resolution: "480p",
        aspectRatio: "1:1",
        style: "none",
      }).success,
    ).toBe(false);
  });
});

describe("access settings", () => {
  it("are audited, apply to artists only, and need a well-ordered window", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const input = accessSettingsInput.parse({
      monthlyQuotaSeconds: 60,
      maxDurationSeconds: 10,
      maxResolution: "720p",
      maxConcurrentJobs: 2,
      cohort: "Autumn 2026",
    });
    await expect(
      updateAccessSettings(t.db, acting(admin), reviewer.id, input),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      updateAccessSettings(t.db, acting(reviewer), reviewer.id, input),
    ).rejects.toMatchObject({ status: 403 });
    const bad = accessSettingsInput.safeParse({
      monthlyQuotaSeconds: -1,
      maxDurationSeconds: 7,
      maxResolution: "8k",
      maxConcurrentJobs: 0,
      accessFrom: "2026-12-01",
      accessUntil: "2026-11-01",
    });
    expect(new Set(bad.error!.issues.map((i) => i.path[0]))).toEqual(
      new Set(["monthlyQuotaSeconds", "maxDurationSeconds", "maxResolution", "maxConcurrentJobs"]),
    );
    const window = accessSettingsInput.safeParse({
      monthlyQuotaSeconds: 1,
      maxDurationSeconds: 5,
      maxResolution: "480p",
      maxConcurrentJobs: 1,
      accessFrom: "2026-12-01",
      accessUntil: "2026-11-01",
    });
    expect(window.error!.issues[0]!.path).toEqual(["accessUntil"]);
  });
});

describe("the person page's generation access form", () => {
  it("saves settings for an artist, shows this month's use, and puts errors next to the fields", async () => {
    const { action, loader } = await import("~/routes/admin.people.$userId/route");
    const { callRoute, makeRequest, sessionCookieFor } = await import("../../support/factories");
    const admin = await createUser(t.db, { role: "admin" });
    const artist = await createUser(t.db, { role: "artist" });
    const cookie = await sessionCookieFor(t.db, admin);
    const path = `/admin/people/${artist.id}`;
    const before = await callRoute(t.db, loader, makeRequest(path, { cookie }), {
      userId: artist.id,
    });
    expect((before.body as { generation: unknown }).generation).toEqual({
      settings: null,
      usage: null,
    });

    const form = {
      intent: "generation",
      monthlyQuotaSeconds: "120",
      maxDurationSeconds: "10",
      maxResolution: "720p",
      maxConcurrentJobs: "3",
      accessFrom: "",
      accessUntil: "2030-01-01",
      cohort: "Pilot",
    };
    const saved = await callRoute(t.db, action, makeRequest(path, { cookie, form }), {
      userId: artist.id,
    });
    expect(saved.status).toBe(302);
    await queueGeneration(
      t.db,
      acting(artist),
      request({ durationSeconds: 10, resolution: "720p" }),
    );
    const after = await callRoute(t.db, loader, makeRequest(path, { cookie }), {
      userId: artist.id,
    });
    expect((after.body as { generation: unknown }).generation).toMatchObject({
      settings: { monthlyQuotaSeconds: 120, maxConcurrentJobs: 3, cohort: "Pilot" },
      usage: { reservedSeconds: 10, remainingSeconds: 110 },
    });

    const bad = await callRoute(
      t.db,
      action,
      makeRequest(path, {
        cookie,
        form: { ...form, monthlyQuotaSeconds: "lots", maxConcurrentJobs: "0" },
      }),
      { userId: artist.id },
    );
    expect(bad.status).toBe(422);
    expect(Object.keys((bad.body as { errors: object }).errors).sort()).toEqual([
      "maxConcurrentJobs",
      "monthlyQuotaSeconds",
    ]);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "access.settings_changed"));
    expect(entry).toMatchObject({ actorId: admin.id, subjectId: artist.id });
  });
});
