import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { newLicenseCode } from "~/.server/rights/requests";
import { VERIFY_LIMIT } from "~/.server/rights/public";
import {
  clips,
  licenses,
  rightsRequests,
  submissions,
  submissionVersions,
  users,
} from "~db/schema";
import { loader as jsonLoader } from "~/routes/api.verify.$code/route";
import { loader as mediaLoader } from "~/routes/verify.$code.$kind/route";
import { loader as pageLoader } from "~/routes/verify.$code/route";
import { useTestDatabase } from "../../support/db";
import { callRoute, makeRequest, testStorage } from "../../support/factories";
import { artistWith, createFinishedClip } from "../../support/generation";

const t = useTestDatabase();

const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** A license on an approved submission, with its term and revocation as given. */
async function license(options: { start?: string; end?: string | null; revoked?: boolean } = {}) {
  const artist = await artistWith(t.db, {});
  await t.db.update(users).set({ displayName: "Ari Artist" }).where(eq(users.id, artist.id));
  const { clip } = await createFinishedClip(t.db, artist);
  const [submission] = await t.db
    .insert(submissions)
    .values({
      userId: artist.id,
      title: "Harbour at dawn",
      description: "Approved.",
      intendedUse: "portfolio",
      channels: ["Vimeo"],
      state: "approved",
      approvalsNeeded: 1,
      termsAcceptedAt: new Date(),
    })
    .returning();
  await t.db
    .insert(submissionVersions)
    .values({ submissionId: submission!.id, number: 1, clipId: clip.id });
  const terms = {
    submissionId: submission!.id,
    userId: artist.id,
    platforms: ["Vimeo", "YouTube"],
    commercial: false,
    worldwide: false,
    countries: ["FR", "DE"],
    termStart: options.start ?? day(-10),
    termEnd: options.end === undefined ? day(30) : options.end,
    creditLine: "Ari Artist / Greenroom",
  };
  const [request] = await t.db
    .insert(rightsRequests)
    .values({ ...terms, masterNeeded: false, state: "granted" })
    .returning();
  const [row] = await t.db
    .insert(licenses)
    .values({
      ...terms,
      code: newLicenseCode(),
      requestId: request!.id,
      clipId: clip.id,
      masterAllowed: false,
      revokedAt: options.revoked ? new Date() : null,
      revokeReason: options.revoked ? "Breach" : null,
    })
    .returning();
  return { code: row!.code, artist };
}

const page = (code: string, ip?: string) =>
  callRoute(t.db, pageLoader, makeRequest(`/verify/${code}`), { code }, { ip });

describe("the public verification page", () => {
  it("tells each status, and gives only the public facts", async () => {
    const cases = [
      [await license(), "valid"],
      [await license({ end: day(-1) }), "expired"],
      [await license({ revoked: true }), "revoked"],
      [await license({ start: day(5) }), "not_started"],
      [await license({ end: null }), "valid"],
    ] as const;
    for (const [{ code, artist }, status] of cases) {
      const res = await page(code);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        code,
        status,
        title: "Harbour at dawn",
        artist: "Ari Artist",
        platforms: ["Vimeo", "YouTube"],
        territory: ["FR", "DE"],
        commercial: false,
      });
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(artist.email);
      expect(text).not.toContain(artist.id);
      expect(Object.keys(res.body as object).sort()).toEqual(
        [
          "artist",
          "code",
          "commercial",
          "creditLine",
          "grantedAt",
          "platforms",
          "revokedAt",
          "status",
          "termEnd",
          "termStart",
          "territory",
          "title",
        ].sort(),
      );
    }
    // A code typed in lower case still finds it.
    expect((await page(cases[0][0].code.toLowerCase())).status).toBe(200);
  });

  it("answers unknown and malformed codes with the same plain 404", async () => {
    await license();
    const bodies = new Set<string>();
    for (const code of ["GR-0000-0000", "nonsense", "GR-ZZZZ", "../../etc/passwd"]) {
      const res = await page(code);
      expect(res.status, code).toBe(404);
      bodies.add(String(res.body));
    }
    expect([...bodies]).toEqual(["Not found"]);
  });

  it("serves the JSON twin, the poster always, and the preview only while valid", async () => {
    const valid = await license();
    const revoked = await license({ revoked: true });
    const json = await callRoute(t.db, jsonLoader, makeRequest(`/api/verify/${valid.code}`), {
      code: valid.code,
    });
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({ code: valid.code, status: "valid" });
    const unknown = await callRoute(t.db, jsonLoader, makeRequest("/api/verify/GR-0000-0000"), {
      code: "GR-0000-0000",
    });
    expect(unknown.status).toBe(404);

    const media = (code: string, kind: string) =>
      callRoute(t.db, mediaLoader, makeRequest(`/verify/${code}/${kind}`), { code, kind });
    expect((await media(revoked.code, "poster")).status).toBe(200);
    expect((await media(revoked.code, "preview")).status).toBe(404);
    expect((await media(valid.code, "video")).status).toBe(404);

    // A valid license whose clip file has gone: no preview, and no 500.
    const [gone] = await t.db
      .select({ videoKey: clips.videoKey })
      .from(clips)
      .innerJoin(licenses, eq(licenses.clipId, clips.id))
      .where(eq(licenses.code, valid.code));
    await testStorage.delete(gone!.videoKey);
    expect((await media(valid.code, "preview")).status).toBe(404);
  });

  it("is rate limited per address", async () => {
    const { code } = await license();
    for (let i = 0; i < VERIFY_LIMIT.max; i++)
      expect((await page(code, "198.51.100.9")).status).toBe(200);
    const limited = await page(code, "198.51.100.9");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await page(code, "198.51.100.10")).status).toBe(200);
  });
});
