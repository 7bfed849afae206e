import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { auditLog, generationJobs } from "~db/schema";
import { action as studioAction, loader as studioLoader } from "~/routes/studio._index/route";
import { action as clipAction, loader as clipLoader } from "~/routes/studio.clips.$clipId/route";
import { loader as mediaLoader } from "~/routes/media.clips.$clipId.$kind/route";
import { useTestDatabase } from "../../support/db";
import {
  callRoute,
  contextFor,
  createUser,
  makeRequest,
  sessionCookieFor,
  testProvenance,
} from "../../support/factories";
import { accountRefFor } from "~/.server/generation/provenance";
import {
  artistWith,
  createFinishedClip,
  jobRow,
  movements,
  queueJob,
} from "../../support/generation";

const t = useTestDatabase();

type StudioData = {
  usage: { remainingSeconds: number; reservedSeconds: number };
  jobs: { id: string; status: string; position: number | null; etaSeconds: number | null }[];
  outputs: { id: string }[];
  blocked: string | null;
  defaults: { prompt: string; seed: number } | null;
};

const form = (overrides: Record<string, string> = {}) => ({
  prompt: "A paper boat on a flooded street",
  durationSeconds: "5",
  resolution: "480p",
  aspectRatio: "16:9",
  style: "noir",
  seed: "",
  ...overrides,
});

describe("the studio", () => {
  it("queues a clip, holds its seconds, and wakes the queue", async () => {
    const artist = await artistWith(t.db, { monthlyQuotaSeconds: 60 });
    const cookie = await sessionCookieFor(t.db, artist);
    const wake = vi.fn();
    const res = await callRoute(
      t.db,
      studioAction,
      makeRequest("/studio", { cookie, form: form({ seed: "42" }) }),
      {},
      { wake },
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/studio");
    expect(wake).toHaveBeenCalledOnce();
    const [job] = await t.db
      .select()
      .from(generationJobs)
      .where(eq(generationJobs.userId, artist.id));
    expect(job).toMatchObject({ status: "queued", seed: 42, style: "noir", provider: "local" });

    const page = await callRoute(t.db, studioLoader, makeRequest("/studio", { cookie }));
    const data = page.body as StudioData;
    expect(data.usage).toMatchObject({ remainingSeconds: 55, reservedSeconds: 5 });
    expect(data.jobs).toEqual([
      expect.objectContaining({ id: job!.id, status: "queued", position: 1 }),
    ]);
  });

  it("answers bad or refused requests with a message next to the field, writing nothing", async () => {
    const artist = await artistWith(t.db, {
      monthlyQuotaSeconds: 8,
      maxDurationSeconds: 10,
      maxResolution: "720p",
    });
    const cookie = await sessionCookieFor(t.db, artist);
    const cases: [Record<string, string>, number, string, RegExp][] = [
      [{ prompt: "" }, 422, "prompt", /Describe the clip/],
      [{ prompt: "x".repeat(2001) }, 422, "prompt", /2,000/],
      [{ durationSeconds: "7" }, 422, "durationSeconds", /5, 10, 15 or 20/],
      [{ durationSeconds: "15" }, 422, "durationSeconds", /limit is 10 seconds/],
      [{ resolution: "1080p" }, 422, "resolution", /limit is 720p/],
      [{ durationSeconds: "10" }, 422, "durationSeconds", /you have 8 s left/],
      [{ seed: "-3" }, 422, "seed", /0 or more/],
      [{ aspectRatio: "4:3" }, 422, "aspectRatio", /16:9/],
    ];
    for (const [overrides, status, field, message] of cases) {
      const res = await callRoute(
        t.db,
        studioAction,
        makeRequest("/studio", { cookie, form: form(overrides) }),
      );
      expect(res.status, JSON.stringify(overrides)).toBe(status);
      expect((res.body as { errors: Record<string, string> }).errors[field]).toMatch(message);
    }
    expect(await t.db.select().from(generationJobs)).toHaveLength(0);
  });

  it("outside the access window the form is blocked with the reason", async () => {
    const artist = await artistWith(t.db, { accessUntil: "2020-01-01" });
    const cookie = await sessionCookieFor(t.db, artist);
    const page = await callRoute(t.db, studioLoader, makeRequest("/studio", { cookie }));
    expect((page.body as StudioData).blocked).toMatch(/closed on 1 January 2020/);
    const res = await callRoute(
      t.db,
      studioAction,
      makeRequest("/studio", { cookie, form: form() }),
    );
    expect(res.status).toBe(422);
  });

  it("places waiting jobs by turns: one artist's pile does not push another's single job back", async () => {
    const a = await artistWith(t.db);
    const b = await artistWith(t.db);
    const aJobs = [await queueJob(t.db, a), await queueJob(t.db, a), await queueJob(t.db, a)];
    const bJob = await queueJob(t.db, b);
    const place = async (artist: typeof a) => {
      const cookie = await sessionCookieFor(t.db, artist);
      const data = (await callRoute(t.db, studioLoader, makeRequest("/studio", { cookie })))
        .body as StudioData;
      return Object.fromEntries(data.jobs.map((j) => [j.id, j.position]));
    };
    expect(await place(b)).toEqual({ [bJob.id]: 2 });
    expect(await place(a)).toEqual({ [aJobs[0]!.id]: 1, [aJobs[1]!.id]: 3, [aJobs[2]!.id]: 4 });
  });

  it("cancels the artist's own job only, giving the seconds back", async () => {
    const owner = await artistWith(t.db);
    const other = await artistWith(t.db);
    const job = await queueJob(t.db, owner);
    const otherCookie = await sessionCookieFor(t.db, other);
    const refused = await callRoute(
      t.db,
      studioAction,
      makeRequest("/studio", { cookie: otherCookie, form: { intent: "cancel", jobId: job.id } }),
    );
    expect(refused.status).toBe(404);
    const cookie = await sessionCookieFor(t.db, owner);
    const res = await callRoute(
      t.db,
      studioAction,
      makeRequest("/studio", { cookie, form: { intent: "cancel", jobId: job.id } }),
    );
    expect(res.status).toBe(200);
    expect((await jobRow(t.db, job.id)).status).toBe("canceled");
    expect(await movements(t.db, job.id)).toEqual(["reserve", "release"]);
  });

  it("lists only the artist's own clips, newest first, in keyset pages", async () => {
    const artist = await artistWith(t.db);
    const other = await artistWith(t.db);
    const mine = [];
    for (let i = 0; i < 26; i++) mine.push((await createFinishedClip(t.db, artist)).clip);
    await createFinishedClip(t.db, other);
    const cookie = await sessionCookieFor(t.db, artist);
    const first = (await callRoute(t.db, studioLoader, makeRequest("/studio", { cookie })))
      .body as StudioData & { nextCursor: string };
    expect(first.outputs).toHaveLength(24);
    const second = (
      await callRoute(
        t.db,
        studioLoader,
        makeRequest(`/studio?before=${encodeURIComponent(first.nextCursor)}`, { cookie }),
      )
    ).body as StudioData & { nextCursor: string | null };
    expect(second.outputs).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const seen = [...first.outputs, ...second.outputs].map((o) => o.id).sort();
    expect(seen).toEqual(mine.map((c) => c.id).sort());
    // A cursor edited by hand is the first page, never an error.
    for (const cursor of ["garbage", "-271821-04-20 00:00:00+00_x", `${first.nextCursor}'--`]) {
      const res = await callRoute(
        t.db,
        studioLoader,
        makeRequest(`/studio?before=${encodeURIComponent(cursor)}`, { cookie }),
      );
      expect(res.status, cursor).toBe(200);
      expect((res.body as StudioData).outputs, cursor).toHaveLength(24);
    }
  });
});

describe("a clip's page", () => {
  it("shows its settings and verified provenance, and fills the form for another take", async () => {
    const artist = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    const cookie = await sessionCookieFor(t.db, artist);
    const page = await callRoute(
      t.db,
      clipLoader,
      makeRequest(`/studio/clips/${clip.id}`, { cookie }),
      { clipId: clip.id },
    );
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      job: { seed: 7, prompt: "A finished test clip" },
      provenance: {
        clipId: clip.id,
        accountRef: accountRefFor(artist.id, testProvenance.secret),
        status: "valid",
      },
    });
    const again = await callRoute(
      t.db,
      studioLoader,
      makeRequest(`/studio?again=${clip.id}`, { cookie }),
    );
    expect((again.body as StudioData).defaults).toMatchObject({
      prompt: "A finished test clip",
      seed: 7,
    });
  });

  it("deletes softly: the clip leaves the studio and its media, and the audit log records it", async () => {
    const artist = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    const cookie = await sessionCookieFor(t.db, artist);
    const res = await callRoute(
      t.db,
      clipAction,
      makeRequest(`/studio/clips/${clip.id}`, { cookie, form: { intent: "delete" } }),
      { clipId: clip.id },
    );
    expect(res.status).toBe(302);
    const again = await callRoute(
      t.db,
      clipAction,
      makeRequest(`/studio/clips/${clip.id}`, { cookie, form: { intent: "delete" } }),
      { clipId: clip.id },
    );
    expect(again.status).toBe(404);
    const studio = (await callRoute(t.db, studioLoader, makeRequest("/studio", { cookie })))
      .body as StudioData;
    expect(studio.outputs).toEqual([]);
    const media = await callRoute(
      t.db,
      mediaLoader,
      makeRequest(`/media/clips/${clip.id}/video`, { cookie }),
      { clipId: clip.id, kind: "video" },
    );
    expect(media.status).toBe(404);
    const audit = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "clip.deleted"), eq(auditLog.subjectId, clip.id)));
    expect(audit).toHaveLength(1);
  });
});

describe("clip media", () => {
  async function fetchMedia(userCookie: string, clipId: string, kind: string, headers = {}) {
    const request = makeRequest(`/media/clips/${clipId}/${kind}`, { cookie: userCookie, headers });
    const context = await contextFor(t.db, request);
    try {
      return await mediaLoader({ request, params: { clipId, kind }, context });
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }

  it("serves the owner whole files and byte ranges so the player can seek", async () => {
    const artist = await artistWith(t.db);
    const { clip, bytes } = await createFinishedClip(t.db, artist);
    const cookie = await sessionCookieFor(t.db, artist);
    const full = await fetchMedia(cookie, clip.id, "video");
    expect(full.status).toBe(200);
    expect(full.headers.get("accept-ranges")).toBe("bytes");
    expect(full.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.from(await full.arrayBuffer()).equals(bytes)).toBe(true);

    const part = await fetchMedia(cookie, clip.id, "video", { Range: "bytes=100-199" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    const tail = await fetchMedia(cookie, clip.id, "video", { Range: "bytes=-10" });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 10))).toBe(
      true,
    );
    const beyond = await fetchMedia(cookie, clip.id, "video", { Range: "bytes=5000-" });
    expect(beyond.status).toBe(416);

    const poster = await fetchMedia(cookie, clip.id, "poster");
    expect(poster.status).toBe(200);
    expect(poster.headers.get("content-type")).toBe("image/jpeg");
    expect(poster.headers.get("cache-control")).toMatch(/private/);
  });

  it("is 404 to anyone else, for any kind, and for unknown clips", async () => {
    const artist = await artistWith(t.db);
    const { clip } = await createFinishedClip(t.db, artist);
    for (const role of ["artist", "reviewer", "admin"] as const) {
      const someone = await createUser(t.db, { role });
      const cookie = await sessionCookieFor(t.db, someone);
      for (const kind of ["video", "poster"]) {
        expect((await fetchMedia(cookie, clip.id, kind)).status, `${role} ${kind}`).toBe(404);
      }
    }
    const cookie = await sessionCookieFor(t.db, artist);
    expect((await fetchMedia(cookie, crypto.randomUUID(), "video")).status).toBe(404);
    expect((await fetchMedia(cookie, clip.id, "master")).status).toBe(404);
  });
});
