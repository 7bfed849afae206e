import { describe, expect, it } from "vitest";
import { submitClip, submitInput } from "~/.server/review/submissions";
import { denyRequest, revokeLicense } from "~/.server/rights/requests";
import {
  licensesOfClip,
  listOwnRights,
  listRightsQueue,
  requestableSubmissions,
  RIGHTS_PAGE_SIZE,
  verifyLicense,
} from "~/.server/rights/views";
import { LICENSE_CODE } from "~/lib/rights";
import { licenses, rightsRequests, submissions, type User } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, APP_URL, createUser } from "../../support/factories";
import { createFinishedClip } from "../../support/generation";
import { RIGHTS_NOW, rightsFixtures } from "../../support/rights";

const t = useTestDatabase();

const at = (day: string) => new Date(`${day}T12:00:00Z`);

const { requestAs, grantAs, markedApproved, licensed } = rightsFixtures(t);

describe("the artist's own rights", () => {
  it("lists only the artist's requests, newest first, each with its license and status", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const bo = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const granted = await licensed(ari, admin, "Granted one");
    const denied = await markedApproved(ari, "Denied one");
    const { request: deniedRequest } = await requestAs(ari, denied.id);
    await denyRequest(t.db, acting(admin), deniedRequest.id, "Wrong credit.", { appUrl: APP_URL });
    const pending = await markedApproved(ari, "Pending one");
    const { request: pendingRequest } = await requestAs(ari, pending.id);
    // Bo's, which Ari must not see.
    const bos = await licensed(bo, admin, "Bo's clip");

    const mine = await listOwnRights(t.db, acting(ari), at("2030-06-01"));
    expect(mine.map((r) => r.title)).toEqual(["Pending one", "Denied one", "Granted one"]);
    expect(mine.every((r) => r.request.userId === ari.id)).toBe(true);
    expect(mine[0]).toMatchObject({
      request: { id: pendingRequest.id, state: "pending" },
      license: null,
      status: null,
    });
    expect(mine[1]).toMatchObject({
      request: { id: deniedRequest.id, state: "denied", denyReason: "Wrong credit." },
      license: null,
      status: null,
    });
    expect(mine[2]).toMatchObject({
      request: { id: granted.requestId, state: "granted" },
      license: { id: granted.license.id, code: granted.license.code },
      status: "valid",
    });
    // The status follows the day it is read.
    expect((await listOwnRights(t.db, acting(ari), at("2031-01-01")))[2]!.status).toBe("expired");
    expect((await listOwnRights(t.db, acting(ari), at("2030-01-20")))[2]!.status).toBe(
      "not_started",
    );

    const bosView = await listOwnRights(t.db, acting(bo), at("2030-06-01"));
    expect(bosView.map((r) => r.license?.id)).toEqual([bos.license.id]);
  });

  it("is for artists: reviewers and admins get 403", async () => {
    for (const role of ["reviewer", "admin"] as const) {
      const user = await createUser(t.db, { role });
      await expect(listOwnRights(t.db, acting(user))).rejects.toMatchObject({ status: 403 });
      await expect(requestableSubmissions(t.db, acting(user))).rejects.toMatchObject({
        status: 403,
      });
    }
  });

  it("offers the approved submissions that have no open request", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const bo = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const a = await markedApproved(ari, "A");
    const b = await markedApproved(ari, "B");
    await markedApproved(bo, "Bo's");
    const { clip } = await createFinishedClip(t.db, ari);
    await submitClip(
      t.db,
      acting(ari),
      submitInput.parse({
        clipId: clip.id,
        title: "Still in the queue",
        description: "Waiting.",
        intendedUse: "portfolio",
        channels: ["YouTube"],
        agreeTerms: "on",
      }),
    );
    const ids = async () => (await requestableSubmissions(t.db, acting(ari))).map((s) => s.id);
    expect((await ids()).sort()).toEqual([a.id, b.id].sort());
    const { request } = await requestAs(ari, a.id);
    expect(await ids()).toEqual([b.id]);
    await denyRequest(t.db, acting(admin), request.id, "No.", { appUrl: APP_URL });
    expect((await ids()).sort()).toEqual([a.id, b.id].sort());
  });
});

describe("the admins' queue", () => {
  /** `n` approved submissions of `artist`, inserted directly (the queue needs no clips). */
  async function bareSubmissions(artist: User, n: number) {
    return t.db
      .insert(submissions)
      .values(
        Array.from({ length: n }, (_, i) => ({
          userId: artist.id,
          title: `Clip ${String(i).padStart(2, "0")}`,
          description: "For the queue.",
          intendedUse: "portfolio" as const,
          channels: ["YouTube"],
          approvalsNeeded: 1,
          termsAcceptedAt: new Date(),
          state: "approved" as const,
          decidedAt: new Date(),
        })),
      )
      .returning();
  }

  const requestRow = (
    submissionId: string,
    userId: string,
    id: number,
    createdAt: Date,
    state: "pending" | "granted" | "denied" = "pending",
  ) => ({
    // Ids ordered as their numbers, so ties on createdAt have a known order.
    id: `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`,
    submissionId,
    userId,
    platforms: ["Instagram"],
    commercial: false,
    worldwide: true,
    countries: [],
    termStart: "2030-02-01",
    termEnd: null,
    creditLine: "Ari",
    masterNeeded: false,
    state,
    createdAt,
  });

  it("pages open requests oldest first by keyset, through ties and microseconds, with counts", async () => {
    const ari = await createUser(t.db, { role: "artist", displayName: "Ari Artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const subs = await bareSubmissions(ari, 34);
    // 22 older requests inserted with whole-millisecond times, two at a time on the same moment
    // (inserted in reverse, so only the id orders a pair), then 8 real ones (now(), with
    // microseconds): the first page ends inside the real ones.
    const older = Array.from({ length: 22 }, (_, i) =>
      requestRow(subs[i]!.id, ari.id, i, new Date(Date.UTC(2020, 0, 1, 0, Math.floor(i / 2)))),
    );
    await t.db.insert(rightsRequests).values([...older].reverse());
    const real: string[] = [];
    for (let i = 22; i < 30; i++)
      real.push((await requestAs(ari, subs[i]!.id, { territory: "worldwide" })).request.id);
    // Decided ones, which the pending queue leaves out.
    await t.db
      .insert(rightsRequests)
      .values([
        requestRow(subs[30]!.id, ari.id, 100, at("2020-06-01"), "granted"),
        requestRow(subs[31]!.id, ari.id, 101, at("2020-06-02"), "denied"),
        requestRow(subs[32]!.id, ari.id, 102, at("2020-06-03"), "denied"),
      ]);
    const expected = [...older.map((r) => r.id), ...real];

    const first = await listRightsQueue(t.db, acting(admin), { state: "pending" });
    expect(first.items).toHaveLength(RIGHTS_PAGE_SIZE);
    expect(first.counts).toEqual({ pending: 30, granted: 1, denied: 2 });
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(first.items[0]).toMatchObject({
      title: "Clip 00",
      artist: "Ari Artist",
      artistEmail: ari.email,
      trustTier: "standard",
      intendedUse: "portfolio",
      license: null,
      status: null,
    });
    const second = await listRightsQueue(t.db, acting(admin), {
      state: "pending",
      after: first.nextCursor,
    });
    expect(second.items).toHaveLength(30 - RIGHTS_PAGE_SIZE);
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((i) => i.request.id)).toEqual(expected);

    // A request made while the admin reads page one lands at the end of the last page.
    const late = await requestAs(ari, subs[33]!.id, { territory: "worldwide" });
    const again = await listRightsQueue(t.db, acting(admin), {
      state: "pending",
      after: first.nextCursor,
    });
    expect(again.items.map((i) => i.request.id)).toEqual([...real.slice(3), late.request.id]);
    expect(again.counts.pending).toBe(31);
  });

  it("lists decided requests newest first, with who decided and the license", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin", displayName: "Ada Admin" });
    const one = await licensed(ari, admin, "First");
    const two = await licensed(ari, admin, "Second");
    const denied = await markedApproved(ari, "Third");
    const { request } = await requestAs(ari, denied.id);
    await denyRequest(t.db, acting(admin), request.id, "No.", { appUrl: APP_URL });
    await revokeLicense(t.db, acting(admin), one.license.id, "Lapsed.", { appUrl: APP_URL });

    const granted = await listRightsQueue(
      t.db,
      acting(admin),
      { state: "granted" },
      at("2030-06-01"),
    );
    expect(granted.items.map((i) => [i.title, i.status])).toEqual([
      ["Second", "valid"],
      ["First", "revoked"],
    ]);
    expect(granted.items[0]).toMatchObject({
      decidedByName: "Ada Admin",
      license: { code: two.license.code },
    });
    expect(granted.counts).toEqual({ pending: 0, granted: 2, denied: 1 });
    const deniedPage = await listRightsQueue(t.db, acting(admin), { state: "denied" });
    expect(deniedPage.items.map((i) => i.request.id)).toEqual([request.id]);
    expect(deniedPage.items[0]!.license).toBeNull();
  });

  it("a bad cursor is a 400 on cursor, never a 500", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    for (const after of [
      "nonsense",
      "2030-01-01 00:00:00+00_not-a-uuid",
      `2030-02-30 00:00:00+00_${crypto.randomUUID()}`,
      `2030-01-01 25:00:00+00_${crypto.randomUUID()}`,
      "'; drop table rights_requests; --",
    ])
      await expect(
        listRightsQueue(t.db, acting(admin), { state: "pending", after }),
        after,
      ).rejects.toMatchObject({ name: "UserError", status: 400, field: "cursor" });
    // An empty cursor is the first page.
    const page = await listRightsQueue(t.db, acting(admin), { state: "pending", after: "" });
    expect(page).toMatchObject({ items: [], nextCursor: null });
  });

  it("is for admins: artists and reviewers get 403", async () => {
    for (const role of ["artist", "reviewer"] as const) {
      const user = await createUser(t.db, { role });
      await expect(listRightsQueue(t.db, acting(user), { state: "pending" })).rejects.toMatchObject(
        { status: 403 },
      );
    }
  });
});

describe("public verification", () => {
  const PUBLIC_FIELDS = [
    "artist",
    "clipId",
    "code",
    "commercial",
    "countries",
    "creditLine",
    "grantedAt",
    "otherPlatform",
    "platforms",
    "revokedAt",
    "status",
    "termEnd",
    "termStart",
    "title",
    "worldwide",
  ];

  it("gives the public facts and the status for each day, and nothing about the account", async () => {
    const ari = await createUser(t.db, {
      role: "artist",
      displayName: "Ari Artist",
      email: "ari.private@example.test",
    });
    const admin = await createUser(t.db, { role: "admin" });
    const { license, clipId } = await licensed(ari, admin);
    const code = license.code;

    const valid = await verifyLicense(t.db, code, at("2030-06-01"));
    expect(valid).toMatchObject({
      code,
      clipId,
      title: "Salt flats",
      artist: "Ari Artist",
      platforms: ["Instagram", "Vimeo"],
      commercial: false,
      worldwide: false,
      countries: ["DE", "FR"],
      termStart: "2030-02-01",
      termEnd: "2030-12-31",
      creditLine: "Ari Artist / Greenroom",
      revokedAt: null,
      status: "valid",
    });
    expect(Object.keys(valid!).sort()).toEqual(PUBLIC_FIELDS);
    const text = JSON.stringify(valid);
    for (const secret of [ari.email, ari.id, admin.id, admin.email, license.id, license.requestId])
      expect(text).not.toContain(secret);

    expect((await verifyLicense(t.db, code, at("2030-01-20")))!.status).toBe("not_started");
    expect((await verifyLicense(t.db, code, at("2030-12-31")))!.status).toBe("valid");
    expect((await verifyLicense(t.db, code, at("2031-01-01")))!.status).toBe("expired");

    await revokeLicense(t.db, acting(admin), license.id, "Lapsed music rights.", {
      appUrl: APP_URL,
    });
    const revoked = await verifyLicense(t.db, code, at("2030-06-01"));
    expect(revoked!.status).toBe("revoked");
    expect(revoked!.revokedAt).toBeInstanceOf(Date);
    // The reason is between the admin and the artist.
    expect(Object.keys(revoked!).sort()).toEqual(PUBLIC_FIELDS);
    expect(JSON.stringify(revoked)).not.toContain("Lapsed music rights.");
    expect((await verifyLicense(t.db, code, at("2031-06-01")))!.status).toBe("revoked");
  });

  it("reads a code as people type it: lower case, spaces around, I/L for 1 and O for 0", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const { license } = await licensed(ari, admin);
    const code = license.code;
    const typed = [
      code.toLowerCase(),
      `  ${code} `,
      ` ${code.toLowerCase()}\n`,
      code.replace(/1/g, "I").replace(/0/g, "O"),
      code.replace(/1/g, "l").replace(/0/g, "o").toLowerCase(),
    ];
    for (const variant of typed)
      expect((await verifyLicense(t.db, variant, RIGHTS_NOW))?.code, variant).toBe(code);
  });

  it("unknown and malformed codes are both just null", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const { license } = await licensed(ari, admin);
    const unknown = license.code === "GR-0000-0000" ? "GR-0000-0001" : "GR-0000-0000";
    expect(unknown).toMatch(LICENSE_CODE);
    for (const code of [
      unknown,
      "",
      "GR-",
      license.code.slice(0, -1),
      `${license.code}0`,
      license.code.replace("GR-", "XX-"),
      "GR-UUUU-UUUU",
      "GR-%%%%-____",
      "' or 1=1 --",
      "../../etc/passwd",
      "x".repeat(10_000),
    ])
      expect(await verifyLicense(t.db, code, RIGHTS_NOW), code).toBeNull();
    // Dashes are forgiven, as people read codes out: that finds the license, not a guess.
    expect(await verifyLicense(t.db, license.code.replaceAll("-", " "), RIGHTS_NOW)).toMatchObject({
      code: license.code,
    });
  });

  it("a denied or pending request has no license, so there is nothing to verify", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const denied = await markedApproved(ari, "Denied");
    const { request } = await requestAs(ari, denied.id);
    await denyRequest(t.db, acting(admin), request.id, "No.", { appUrl: APP_URL });
    const pending = await markedApproved(ari, "Pending");
    await requestAs(ari, pending.id);
    expect(await t.db.select().from(licenses)).toEqual([]);
    const mine = await listOwnRights(t.db, acting(ari), RIGHTS_NOW);
    expect(mine.map((r) => [r.request.state, r.license, r.status])).toEqual([
      ["pending", null, null],
      ["denied", null, null],
    ]);
    // The request's own id is no code either.
    expect(await verifyLicense(t.db, request.id, RIGHTS_NOW)).toBeNull();
  });

  it("names an artist without a display name neutrally, never by email", async () => {
    const ari = await createUser(t.db, {
      role: "artist",
      displayName: "",
      email: "nameless@example.test",
    });
    const admin = await createUser(t.db, { role: "admin" });
    const { license } = await licensed(ari, admin);
    const facts = await verifyLicense(t.db, license.code, RIGHTS_NOW);
    expect(facts!.artist).toBe("A Greenroom artist");
    expect(JSON.stringify(facts)).not.toContain("nameless");
  });
});

describe("licenses of a clip", () => {
  it("lists the clip's licenses with their status, and nothing for no clips", async () => {
    const ari = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const { license, clipId, id } = await licensed(ari, admin);
    const next = await requestAs(ari, id, { territory: "worldwide" });
    const { license: second } = await grantAs(admin, next.request.id, {
      territory: "worldwide",
      termStart: "2030-07-01",
    });
    await revokeLicense(t.db, acting(admin), license.id, "Lapsed.", { appUrl: APP_URL });
    const other = await licensed(ari, admin, "Other clip");

    const rows = await licensesOfClip(t.db, [clipId], at("2030-06-01"));
    expect(rows.map((l) => [l.code, l.status]).sort()).toEqual(
      [
        [license.code, "revoked"],
        [second.code, "not_started"],
      ].sort(),
    );
    expect(await licensesOfClip(t.db, [], RIGHTS_NOW)).toEqual([]);
    expect(
      (await licensesOfClip(t.db, [clipId, other.clipId], at("2030-06-01"))).map((l) => l.code),
    ).toHaveLength(3);
  });
});
