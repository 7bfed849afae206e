import { eq } from "drizzle-orm";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { probe, runFfmpeg } from "~/.server/generation/media";
import { readContentCredentials } from "~/.server/c2pa/credentials";
import { accountRefFor, hashPrompt, readProvenance } from "~/.server/generation/provenance";
import { createReplicateProvider } from "~/.server/generation/providers/replicate";
import { quotaMonth } from "~/.server/generation/quota";
import { runGenerationJob } from "~/.server/generation/runner";
import { masterLicense, prepareMaster, type MasterDeps } from "~/.server/rights/master";
import { newLicenseCode, todayUtc } from "~/.server/rights/requests";
import { newObjectKey } from "~/.server/storage";
import { UserError } from "~/.server/errors";
import { loader as masterLoader } from "~/routes/rights.licenses.$licenseId.master/route";
import {
  auditLog,
  clips,
  generationJobs,
  licenses,
  quotaMovements,
  rightsRequests,
  submissions,
  submissionVersions,
  type Clip,
  type License,
  type User,
} from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { useFakeReplicate } from "../../support/fake-replicate";
import {
  acting,
  contextFor,
  createUser,
  makeRequest,
  sessionCookieFor,
  testEnv,
  testProvenance,
  testStorage,
} from "../../support/factories";
import { independentVerdict, renderAndSeal } from "../../support/provenance";
import { createFinishedClip, waitFor } from "../../support/generation";

// Every test renders real video with ffmpeg, several times over: give a busy machine room.

const t = useTestDatabase();
const replicate = useFakeReplicate();

const root = mkdtempSync(path.join(tmpdir(), "greenroom-master-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = (name = "f") => path.join(root, `${name}-${++count}`);

const SECRET = testEnv.PROVENANCE_SECRET;
const deps = (overrides: Partial<MasterDeps> = {}): MasterDeps => ({
  db: t.db,
  storage: testStorage,
  provenance: testProvenance,
  workDir: path.join(root, "masters"),
  ...overrides,
});

// 2 s at 480p 16:9 (854×480) keeps every render well under a second.
const CLIP = {
  prompt: "A lighthouse at dusk, waves folding into spirals of light",
  seed: 4211,
  style: "none",
  durationSeconds: 2,
  resolution: "480p",
  aspectRatio: "16:9",
} as const;

const daysFromToday = (days: number) => todayUtc(new Date(Date.now() + days * 86_400_000));

/** A clip rendered for real by the local renderer and stored, with its job, as the seed does. */
async function localClip(artist: User): Promise<Clip> {
  const jobId = crypto.randomUUID();
  // Rendered and sealed as the runner makes every output.
  const rendered = await renderAndSeal({
    dir: fresh("render"),
    clipId: jobId,
    accountId: artist.id,
    scene: CLIP,
  });
  const provenance = rendered.provenance;
  const videoKey = newObjectKey("clips", "mp4");
  const posterKey = newObjectKey("posters", "jpg");
  await testStorage.putFile(videoKey, rendered.videoPath, "video/mp4");
  await testStorage.putFile(posterKey, rendered.posterPath!, "image/jpeg");
  await t.db.insert(generationJobs).values({
    id: jobId,
    userId: artist.id,
    provider: "local",
    ...CLIP,
    status: "succeeded",
    progress: 1,
    attempts: 1,
    finishedAt: new Date(),
  });
  const [clip] = await t.db
    .insert(clips)
    .values({
      id: jobId,
      userId: artist.id,
      videoKey,
      posterKey,
      sizeBytes: (await stat(rendered.videoPath)).size,
      durationSeconds: rendered.probe.durationSeconds,
      width: rendered.probe.width,
      height: rendered.probe.height,
      provider: "local",
      model: "greenroom-stand-in-v1",
      provenance,
    })
    .returning();
  return clip!;
}

/** An approved submission of `clip`, a granted request and its license (with a master unless told). */
async function licenseFor(artist: User, clip: Clip, overrides: Partial<License> = {}) {
  const [submission] = await t.db
    .insert(submissions)
    .values({
      userId: artist.id,
      title: "Lighthouse",
      description: "Dusk study",
      intendedUse: "portfolio",
      channels: ["Instagram"],
      state: "approved",
      approvalsNeeded: 1,
      termsAcceptedAt: new Date(),
      decidedAt: new Date(),
    })
    .returning();
  await t.db
    .insert(submissionVersions)
    .values({ submissionId: submission!.id, number: 1, clipId: clip.id, decidedAt: new Date() });
  const terms = {
    platforms: ["Instagram", "Print"],
    commercial: false,
    worldwide: true,
    countries: [],
    termStart: daysFromToday(-10),
    termEnd: null,
    creditLine: "Film by the artist, made in Greenroom",
  };
  const [request] = await t.db
    .insert(rightsRequests)
    .values({
      submissionId: submission!.id,
      userId: artist.id,
      ...terms,
      masterNeeded: true,
      masterReason: "A print exhibition",
      state: "granted",
      decidedAt: new Date(),
    })
    .returning();
  const [license] = await t.db
    .insert(licenses)
    .values({
      code: newLicenseCode(),
      requestId: request!.id,
      submissionId: submission!.id,
      clipId: clip.id,
      userId: artist.id,
      ...terms,
      masterAllowed: true,
      ...overrides,
    })
    .returning();
  return license!;
}

type Region = { x: number; y: number; w: number; h: number };

/** The first frame of an 854×480 clip in grey levels, one byte a pixel. */
async function firstFrame(file: string) {
  const out = `${fresh("frame")}.gray`;
  await runFfmpeg(["-y", "-i", file, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", out]);
  const bytes = readFileSync(out);
  expect(bytes.length).toBe(WIDTH * 480);
  return bytes;
}

/** The mean absolute difference of two frames' grey levels over `region`. */
function meanDifference(a: Buffer, b: Buffer, region: Region) {
  let sum = 0;
  for (let y = region.y; y < region.y + region.h; y++)
    for (let x = region.x; x < region.x + region.w; x++)
      sum += Math.abs(a[y * WIDTH + x]! - b[y * WIDTH + x]!);
  return sum / (region.w * region.h);
}

// At 854×480 the mark's text is 18 px high, 18 px from the top and right edges, on a box with a
// 6 px border: this strip lies inside it. The same strip at the top left shows only the scene.
const WIDTH = 854;
const MARK: Region = { x: 660, y: 18, w: 160, h: 18 };
const SCENE: Region = { x: 40, y: 18, w: 160, h: 18 };

/**
 * The master shows the same scene as the watermarked output, but not the mark: the top-left
 * strips match, the top-right ones do not.
 */
async function expectSameSceneWithoutMark(master: string, watermarked: string) {
  const [clean, marked] = [await firstFrame(master), await firstFrame(watermarked)];
  const scene = meanDifference(clean, marked, SCENE);
  const mark = meanDifference(clean, marked, MARK);
  expect(scene).toBeLessThan(4);
  expect(mark).toBeGreaterThan(20);
}

async function storedVideo(clip: Clip) {
  const file = `${fresh("output")}.mp4`;
  await testStorage.download(clip.videoKey, file);
  return file;
}

async function masterAudits() {
  return t.db
    .select()
    .from(auditLog)
    .where(eq(auditLog.action, "rights.master_downloaded"))
    .orderBy(auditLog.id);
}

async function getMaster(user: User | null, licenseId: string, method = "GET") {
  const cookie = user ? await sessionCookieFor(t.db, user) : undefined;
  const request = makeRequest(`/rights/licenses/${licenseId}/master`, { cookie, method });
  const context = await contextFor(t.db, request);
  try {
    return await masterLoader({ request, params: { licenseId }, context });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function refusal(call: Promise<unknown>) {
  const error = await call.then(
    () => {
      throw new Error("Expected a refusal");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

const defaultMastersRoot = path.join(tmpdir(), "greenroom-masters");
const masterFolders = () =>
  existsSync(defaultMastersRoot)
    ? readdirSync(defaultMastersRoot).filter((name) => name.startsWith("master-"))
    : [];

let artist: User;
beforeEach(async () => {
  artist = await createUser(t.db, { role: "artist", displayName: "Ada Artist" });
});

describe("the master of a local clip", () => {
  it("downloads as a signed MP4 naming the license, the same scene without the mark, and is audited each time", async () => {
    const clip = await localClip(artist);
    const license = await licenseFor(artist, clip);
    const before = masterFolders();

    const response = await getMaster(artist, license.id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("video/mp4");
    expect(response.headers.get("content-disposition")).toContain(
      `filename="greenroom-${license.code}-master.mp4"`,
    );
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(Number(response.headers.get("content-length"))).toBe(bytes.length);
    const file = `${fresh("master")}.mp4`;
    writeFileSync(file, bytes);
    // The temporary file goes once the response has been sent.
    await waitFor(
      async () => masterFolders().every((name) => before.includes(name)),
      "the master's temporary folder to be removed",
    );

    const probed = await probe(file);
    expect(probed).toMatchObject({ codec: "h264", width: 854, height: 480, fps: 24 });
    expect(probed.durationSeconds).toBeCloseTo(2, 1);
    const check = await readProvenance(file, SECRET);
    expect(check.status).toBe("valid");
    expect(check.status === "valid" && check.provenance).toMatchObject({
      clipId: clip.id,
      accountRef: accountRefFor(artist.id, SECRET),
      provider: "local",
      model: "greenroom-stand-in-v1",
      promptSha256: hashPrompt(CLIP.prompt),
      createdAt: (clip.provenance as { createdAt: string }).createdAt,
      licenseCode: license.code,
    });
    // Content Credentials too: naming the license, with no watermark action, and valid for any
    // standard verifier (only our self-made CA is unknown to it).
    const credentials = await readContentCredentials(file, "video/mp4", testProvenance.identity);
    expect(credentials).toMatchObject({
      present: true,
      ours: true,
      failures: [],
      clip: { clipId: clip.id, licenseCode: license.code },
    });
    expect(credentials.present && credentials.actions.map((a) => a.action)).toEqual([
      "c2pa.created",
    ]);
    expect(await independentVerdict(file)).toEqual({
      state: "Valid",
      failures: ["signingCredential.untrusted"],
    });
    // Signed with our secret: another secret does not verify it.
    expect((await readProvenance(file, "another-secret-another-secret-0123")).status).toBe(
      "tampered",
    );

    const watermarked = await storedVideo(clip);
    const original = await readProvenance(watermarked, SECRET);
    expect(original.status === "valid" && original.provenance.licenseCode).toBeUndefined();
    await expectSameSceneWithoutMark(file, watermarked);

    const [audit] = await masterAudits();
    expect(audit).toMatchObject({
      actorId: artist.id,
      subjectType: "license",
      subjectId: license.id,
      data: { code: license.code, clipId: clip.id, source: "re-render" },
    });

    const again = await getMaster(artist, license.id);
    expect(again.status).toBe(200);
    await again.arrayBuffer();
    expect(await masterAudits()).toHaveLength(2);
  });

  it("is made in a private temporary folder that dispose removes, one at a time per artist", async () => {
    const clip = await localClip(artist);
    const license = await licenseFor(artist, clip);
    const first = prepareMaster(deps(), acting(artist), license.id);
    const second = await refusal(prepareMaster(deps(), acting(artist), license.id));
    expect(second.status).toBe(429);
    expect(second.message).toContain("already being prepared");
    const master = await first;
    expect(master.downloadName).toBe(`greenroom-${license.code}-master.mp4`);
    expect(existsSync(master.filePath)).toBe(true);
    expect(master.filePath.startsWith(path.join(root, "masters") + path.sep)).toBe(true);
    await master.dispose();
    expect(existsSync(path.dirname(master.filePath))).toBe(false);
    // Once the first is made, the next one may start.
    const next = await prepareMaster(deps(), acting(artist), license.id);
    await next.dispose();
    expect(await masterAudits()).toHaveLength(2);
  });

  it("answers HEAD with the download's headers, making and recording nothing", async () => {
    const { clip } = await createFinishedClip(t.db, artist);
    const license = await licenseFor(artist, clip);
    const response = await getMaster(artist, license.id, "HEAD");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain(
      `greenroom-${license.code}-master.mp4`,
    );
    expect(await masterAudits()).toHaveLength(0);
  });
});

// Refusals come before anything is made: a clip row without real video is enough for them.
describe("who may download a master", () => {
  it("is the license's owner only: another artist, or an unknown license, is the same 404", async () => {
    const { clip } = await createFinishedClip(t.db, artist);
    const license = await licenseFor(artist, clip);
    const other = await createUser(t.db, { role: "artist" });

    const response = await getMaster(other, license.id);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("Not found.");
    const unknown = await getMaster(artist, crypto.randomUUID());
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe("Not found.");

    const error = await refusal(prepareMaster(deps(), acting(other), license.id));
    expect(error.status).toBe(404);
    expect(error.message).not.toContain(license.code);
    expect(await masterAudits()).toHaveLength(0);
  });

  it("is refused to reviewers and admins (403), and sends signed-out visitors to sign in", async () => {
    const { clip } = await createFinishedClip(t.db, artist);
    const license = await licenseFor(artist, clip);
    for (const role of ["reviewer", "admin"] as const) {
      const user = await createUser(t.db, { role });
      expect((await getMaster(user, license.id)).status).toBe(403);
      expect((await refusal(prepareMaster(deps(), acting(user), license.id))).status).toBe(403);
    }
    const signedOut = await getMaster(null, license.id);
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toBe(
      `/login?redirectTo=${encodeURIComponent(`/rights/licenses/${license.id}/master`)}`,
    );
    expect(await masterAudits()).toHaveLength(0);
  });

  it("needs a license that includes a master (403) and is in force (409), saying why", async () => {
    const { clip } = await createFinishedClip(t.db, artist);
    const cases: { overrides: Partial<License>; status: number; says: string }[] = [
      { overrides: { masterAllowed: false }, status: 403, says: "does not include" },
      { overrides: { revokedAt: new Date() }, status: 409, says: "was revoked" },
      {
        overrides: { termStart: daysFromToday(-30), termEnd: daysFromToday(-1) },
        status: 409,
        says: "expired",
      },
      { overrides: { termStart: daysFromToday(5) }, status: 409, says: "comes into force" },
    ];
    for (const { overrides, status, says } of cases) {
      const license = await licenseFor(artist, clip, overrides);
      const response = await getMaster(artist, license.id);
      expect(response.status).toBe(status);
      const text = await response.text();
      expect(text).toContain(license.code);
      expect(text).toContain(says);
      const error = await refusal(masterLicense(t.db, acting(artist), license.id));
      expect(error.status).toBe(status);
    }
    // The last day of a term still counts.
    const lastDay = await licenseFor(artist, clip, { termEnd: todayUtc() });
    const { license } = await masterLicense(t.db, acting(artist), lastDay.id);
    expect(license.id).toBe(lastDay.id);
    expect(await masterAudits()).toHaveLength(0);
  });
});

describe("the master of a remote provider's clip", () => {
  /** Runs one Replicate job through the runner, as a worker would. */
  async function replicateClip(owner: User) {
    const provider = createReplicateProvider({
      apiToken: replicate.server.apiToken,
      model: "acme/video-model",
      baseUrl: replicate.server.baseUrl,
      // The fake's output lasts 2 s.
      capabilities: { durations: [2], resolutions: ["480p"] },
    });
    replicate.server.planNextPrediction([{ status: "succeeded" }]);
    const bossJobId = crypto.randomUUID();
    const [job] = await t.db
      .insert(generationJobs)
      .values({
        userId: owner.id,
        provider: "replicate",
        ...CLIP,
        status: "running",
        bossJobId,
        dispatchedAt: new Date(),
      })
      .returning();
    await t.db.insert(quotaMovements).values({
      userId: owner.id,
      jobId: job!.id,
      kind: "reserve",
      seconds: CLIP.durationSeconds,
      month: quotaMonth(new Date()),
    });
    await runGenerationJob(
      {
        db: t.db,
        providers: new Map([["replicate", provider]]),
        storage: testStorage,
        provenance: testProvenance,
        logger: pino({ level: "silent" }),
        workDir: fresh("work"),
        heartbeatMs: 1000,
        retryBaseMs: 100,
        sendRetry: async () => {
          throw new Error("No retry was expected");
        },
      },
      job!.id,
      bossJobId,
    );
    const [row] = await t.db
      .select({ status: generationJobs.status, error: generationJobs.error })
      .from(generationJobs)
      .where(eq(generationJobs.id, job!.id));
    expect(row).toEqual({ status: "succeeded", error: null });
    const [clip] = await t.db.select().from(clips).where(eq(clips.id, job!.id));
    return clip!;
  }

  it("keeps the provider's original when the clip is finished, and makes the master from it", async () => {
    const clip = await replicateClip(artist);
    expect(clip.originalKey).toMatch(/^clips\/[0-9a-f]{32}\.mp4$/);
    expect(clip.originalKey).not.toBe(clip.videoKey);
    expect(await testStorage.head(clip.originalKey!)).toMatchObject({ contentType: "video/mp4" });
    // The original is the file as received: the fake's 320×240, unsigned; the output is fitted.
    const original = `${fresh("original")}.mp4`;
    await testStorage.download(clip.originalKey!, original);
    expect(await probe(original)).toMatchObject({ width: 320, height: 240 });
    expect((await readProvenance(original, SECRET)).status).toBe("unsigned");
    expect(clip).toMatchObject({ width: 854, height: 480, provider: "replicate" });
    // The provider's output as stored: fitted, marked and sealed like any other.
    const output = await storedVideo(clip);
    expect(await independentVerdict(output)).toEqual({
      state: "Valid",
      failures: ["signingCredential.untrusted"],
    });
    const outputCredentials = await readContentCredentials(
      output,
      "video/mp4",
      testProvenance.identity,
    );
    expect(outputCredentials).toMatchObject({ present: true, ours: true, failures: [] });
    expect(outputCredentials.present && outputCredentials.actions).toEqual([
      expect.objectContaining({
        action: "c2pa.created",
        digitalSourceType: "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
        softwareAgent: "acme/video-model (replicate)",
      }),
      expect.objectContaining({ action: "c2pa.watermarked.unbound" }),
    ]);

    const license = await licenseFor(artist, clip);
    const response = await getMaster(artist, license.id);
    expect(response.status).toBe(200);
    const file = `${fresh("master")}.mp4`;
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const probed = await probe(file);
    expect(probed).toMatchObject({ codec: "h264", width: 854, height: 480 });
    expect(probed.durationSeconds).toBeCloseTo(2, 1);
    const check = await readProvenance(file, SECRET);
    expect(check.status).toBe("valid");
    expect(check.status === "valid" && check.provenance).toMatchObject({
      clipId: clip.id,
      accountRef: accountRefFor(artist.id, SECRET),
      provider: "replicate",
      model: "acme/video-model",
      licenseCode: license.code,
    });
    await expectSameSceneWithoutMark(file, await storedVideo(clip));
    const [audit] = await masterAudits();
    expect(audit).toMatchObject({
      subjectId: license.id,
      data: { code: license.code, source: "original" },
    });
  });

  it("refuses plainly when the original was not kept", async () => {
    const clip = await replicateClip(artist);
    await t.db.update(clips).set({ originalKey: null }).where(eq(clips.id, clip.id));
    const license = await licenseFor(artist, clip);
    const response = await getMaster(artist, license.id);
    expect(response.status).toBe(409);
    expect(await response.text()).toContain("was not kept");
    // Likewise when the stored object has gone.
    await t.db
      .update(clips)
      .set({ originalKey: newObjectKey("clips", "mp4") })
      .where(eq(clips.id, clip.id));
    expect((await refusal(prepareMaster(deps(), acting(artist), license.id))).status).toBe(409);
    expect(readdirSync(path.join(root, "masters")).filter((n) => n.startsWith("master-"))).toEqual(
      [],
    );
    expect(await masterAudits()).toHaveLength(0);
  });
});
