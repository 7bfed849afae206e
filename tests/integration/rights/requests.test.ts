import type * as NodeCrypto from "node:crypto";
import { randomInt } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { claimSubmission } from "~/.server/review/reviewing";
import { withdrawSubmission } from "~/.server/review/submissions";
import {
  denyRequest,
  revokeLicense,
  requestRights,
  rightsRequestInput,
  todayUtc,
} from "~/.server/rights/requests";
import { LICENSE_CODE } from "~/lib/rights";
import {
  auditLog,
  emailOutbox,
  licenses,
  notifications,
  rightsRequests,
  submissions,
  type User,
} from "~db/schema";
import { onPostgres, useTestDatabase } from "../../support/db";
import { acting, APP_URL, createUser } from "../../support/factories";
import { RIGHTS_NOW, rightsFixtures } from "../../support/rights";

// Lets one test script the code draws to force a collision; every other draw is the real one.
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof NodeCrypto>();
  return { ...actual, randomInt: vi.fn(actual.randomInt) };
});

const t = useTestDatabase();

const { requestAs, grantAs, submission, submitted, decideAs, approvedThroughReview } =
  rightsFixtures(t, {
    // Unless a test says otherwise, the artist asks for a master and the admin allows it.
    ask: { masterNeeded: "on", masterReason: "Festival projection." },
    grant: { masterAllowed: "on" },
  });

async function requestRow(id: string) {
  const [r] = await t.db.select().from(rightsRequests).where(eq(rightsRequests.id, id));
  return r!;
}

async function licenseRow(id: string) {
  const [l] = await t.db.select().from(licenses).where(eq(licenses.id, id));
  return l!;
}

const emailsTo = (user: User) =>
  t.db
    .select()
    .from(emailOutbox)
    .where(eq(emailOutbox.recipient, user.email))
    .orderBy(asc(emailOutbox.createdAt));

const notesOf = (user: User, kind: string) =>
  t.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.userId, user.id), eq(notifications.kind, kind)));

const auditOf = (action: string) =>
  t.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(asc(auditLog.id));

/** Everything a rights move writes, to show that a refusal wrote none of it. */
async function written() {
  const [r, l, n, e, a] = await Promise.all([
    t.db.select().from(rightsRequests),
    t.db.select().from(licenses),
    t.db.select().from(notifications),
    t.db.select().from(emailOutbox),
    t.db.select().from(auditLog),
  ]);
  return {
    requests: r.map((x) => `${x.id}:${x.state}`).sort(),
    licenses: l.map((x) => `${x.id}:${x.revokedAt ? "revoked" : "live"}`).sort(),
    notes: n.length,
    emails: e.length,
    audit: a.length,
  };
}

describe("requesting rights", () => {
  it("records a pending request with the terms as asked, audited, and tells nobody yet", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const s = await approvedThroughReview(artist);
    const emailsBefore = (await emailsTo(artist)).length;
    const { request, license, emailIds } = await requestAs(artist, s.id, {
      otherPlatform: "Patreon",
    });
    expect(license).toBeNull();
    expect(emailIds).toEqual([]);
    expect(await requestRow(request.id)).toMatchObject({
      submissionId: s.id,
      userId: artist.id,
      state: "pending",
      platforms: ["Instagram", "Vimeo"],
      otherPlatform: "Patreon",
      commercial: false,
      worldwide: false,
      countries: ["DE", "FR"],
      termStart: "2030-02-01",
      termEnd: "2030-12-31",
      creditLine: "Ari Artist / Greenroom",
      masterNeeded: true,
      masterReason: "Festival projection.",
      autoGranted: false,
      decidedBy: null,
      decidedAt: null,
    });
    const [audit] = await auditOf("rights.requested");
    expect(audit).toMatchObject({
      actorId: artist.id,
      subjectType: "rights_request",
      subjectId: request.id,
      data: { submissionId: s.id, commercial: false },
    });
    expect(await emailsTo(artist)).toHaveLength(emailsBefore);
    expect(await t.db.select().from(licenses)).toEqual([]);
  });

  it("only on an approved submission: every other state is a 409 and writes nothing", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const reviewer = await createUser(t.db, { role: "reviewer" });

    const pending = await submitted(artist);
    const inReview = await submitted(artist);
    await claimSubmission(t.db, acting(reviewer), inReview.id);
    const changes = await submitted(artist);
    await decideAs(reviewer, changes.id, "request_changes", "Trim the ending.");
    const rejected = await submitted(artist);
    await decideAs(reviewer, rejected.id, "reject", "Not for the program.");
    const withdrawn = await submitted(artist);
    await withdrawSubmission(t.db, acting(artist), withdrawn.id, withdrawn.revision);
    // A commercial submission with one of its two approvals is still in review.
    const halfway = await submitted(artist, "commercial");
    await decideAs(reviewer, halfway.id, "approve");

    const cases = [
      [pending.id, "pending"],
      [inReview.id, "in_review"],
      [changes.id, "changes_requested"],
      [rejected.id, "rejected"],
      [withdrawn.id, "withdrawn"],
      [halfway.id, "in_review"],
    ] as const;
    const before = await written();
    for (const [id, state] of cases) {
      expect((await submission(id)).state).toBe(state);
      await expect(requestAs(artist, id), state).rejects.toMatchObject({
        name: "UserError",
        status: 409,
        message: expect.stringMatching(/approved submission/),
      });
    }
    expect(await written()).toEqual(before);
  });

  it("someone else's submission, or none, is a 404 that gives nothing away", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const other = await createUser(t.db, { role: "artist" });
    const s = await approvedThroughReview(artist);
    const before = await written();
    await expect(requestAs(other, s.id)).rejects.toMatchObject({ status: 404 });
    await expect(requestAs(other, crypto.randomUUID())).rejects.toMatchObject({ status: 404 });
    expect(await written()).toEqual(before);
  });

  it("is an artist's action: reviewers and admins are refused (403)", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const s = await approvedThroughReview(artist);
    for (const role of ["reviewer", "admin"] as const) {
      const user = await createUser(t.db, { role });
      await expect(requestAs(user, s.id)).rejects.toMatchObject({ status: 403 });
    }
    expect(await t.db.select().from(rightsRequests)).toEqual([]);
  });

  it("one open request per submission: a second is a 409; once decided, a new one may follow", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist);
    const other = await approvedThroughReview(artist, "portfolio", "Tide pools");
    const first = await requestAs(artist, s.id);
    await expect(requestAs(artist, s.id, { platforms: ["TikTok"] })).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/already has an open request/),
    });
    // Another submission is not affected.
    await requestAs(artist, other.id);
    await denyRequest(t.db, acting(admin), first.request.id, "Wrong credit line.", {
      appUrl: APP_URL,
    });
    const second = await requestAs(artist, s.id, { creditLine: "Ari Artist" });
    expect(second.request.state).toBe("pending");
    await grantAs(admin, second.request.id);
    const third = await requestAs(artist, s.id, { platforms: ["TikTok"] });
    expect(third.request.state).toBe("pending");
    const states = await t.db
      .select({ state: rightsRequests.state })
      .from(rightsRequests)
      .where(eq(rightsRequests.submissionId, s.id))
      .orderBy(asc(rightsRequests.createdAt));
    expect(states.map((r) => r.state)).toEqual(["denied", "granted", "pending"]);
  });

  it("8 concurrent requests on one submission make exactly one; the others are told why (409)", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const s = await approvedThroughReview(artist);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        requestAs(artist, s.id, i % 2 ? { requestKey: crypto.randomUUID() } : {}),
      ),
    );
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(7);
    for (const r of rejected) expect(r.reason).toMatchObject({ name: "UserError", status: 409 });
    const rows = await t.db
      .select()
      .from(rightsRequests)
      .where(eq(rightsRequests.submissionId, s.id));
    expect(rows).toHaveLength(1);
    expect(await auditOf("rights.requested")).toHaveLength(1);
  });

  it("the database itself refuses a second open request, whatever the code does", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const s = await approvedThroughReview(artist);
    const { request } = await requestAs(artist, s.id);
    const { id: _id, createdAt: _c, requestKey: _k, ...copy } = request;
    await expect(t.db.insert(rightsRequests).values(copy)).rejects.toThrow();
    // A decided one beside it is fine.
    await t.db.insert(rightsRequests).values({ ...copy, state: "denied" });
  });

  it("a resent form (same requestKey) is the same request, however often and concurrently", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const s = await approvedThroughReview(artist);
    const requestKey = crypto.randomUUID();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => requestAs(artist, s.id, { requestKey })),
    );
    expect(new Set(results.map((r) => r.request.id)).size).toBe(1);
    const again = await requestAs(artist, s.id, { requestKey });
    expect(again.request.id).toBe(results[0]!.request.id);
    expect(again.emailIds).toEqual([]);
    expect(await t.db.select().from(rightsRequests)).toHaveLength(1);
    expect(await auditOf("rights.requested")).toHaveLength(1);
  });

  it("someone else's requestKey, or this artist's on another submission, is a 409, not a 500", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const other = await createUser(t.db, { role: "artist" });
    const s = await approvedThroughReview(artist);
    const s2 = await approvedThroughReview(artist, "portfolio", "Tide pools");
    const o = await approvedThroughReview(other);
    const requestKey = crypto.randomUUID();
    const { request } = await requestAs(artist, s.id, { requestKey });
    const before = await written();
    await expect(requestAs(other, o.id, { requestKey })).rejects.toMatchObject({
      name: "UserError",
      status: 409,
    });
    await expect(requestAs(artist, s2.id, { requestKey })).rejects.toMatchObject({
      name: "UserError",
      status: 409,
    });
    expect(await written()).toEqual(before);
    // The request the key made is untouched, and a fresh key works for the other submission.
    expect((await requestRow(request.id)).submissionId).toBe(s.id);
    await requestAs(artist, s2.id, { requestKey: crypto.randomUUID() });
  });

  it("a term starting in the past is a 422 on termStart; today is fine", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const s = await approvedThroughReview(artist);
    const today = todayUtc();
    const yesterday = todayUtc(new Date(Date.now() - 86_400_000));
    const input = (termStart: string) =>
      rightsRequestInput.parse({
        platforms: ["Instagram"],
        territory: "worldwide",
        termStart,
        perpetual: "on",
        creditLine: "Ari",
      });
    await expect(
      requestRights(t.db, acting(artist), s.id, input(yesterday), { appUrl: APP_URL }),
    ).rejects.toMatchObject({ status: 422, field: "termStart" });
    await expect(
      requestRights(t.db, acting(artist), s.id, input("2029-12-31"), {
        appUrl: APP_URL,
        now: RIGHTS_NOW,
      }),
    ).rejects.toMatchObject({ status: 422, field: "termStart" });
    expect(await t.db.select().from(rightsRequests)).toEqual([]);
    const { request } = await requestRights(t.db, acting(artist), s.id, input(today), {
      appUrl: APP_URL,
    });
    expect(request.termStart).toBe(today);
  });
});

describe("the commercial rule", () => {
  it("a commercial request on a submission approved for another use is a 422 on commercial", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    for (const use of ["portfolio", "social", "festival", "press"] as const) {
      const s = await approvedThroughReview(artist, use);
      await expect(requestAs(artist, s.id, { commercial: "on" }), use).rejects.toMatchObject({
        status: 422,
        field: "commercial",
        message: expect.stringMatching(/two approvals/),
      });
      // Non-commercial is fine on it.
      expect((await requestAs(artist, s.id)).request.state).toBe("pending");
    }
    expect(await t.db.select().from(rightsRequests)).toHaveLength(4);
  });

  it("is allowed once the submission is approved for commercial use by two reviewers", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const s = await approvedThroughReview(artist, "commercial");
    expect(s.approvalsNeeded).toBe(2);
    const { request } = await requestAs(artist, s.id, { commercial: "on" });
    expect(request).toMatchObject({ state: "pending", commercial: true });
  });
});

describe("the trusted tier", () => {
  it("a trusted artist's non-commercial request is granted at once, by the system", async () => {
    const artist = await createUser(t.db, {
      role: "artist",
      trustTier: "trusted",
      displayName: "Tess Trusted",
    });
    const s = await approvedThroughReview(artist);
    const emailsBefore = (await emailsTo(artist)).length;
    const { request, license, emailIds } = await requestAs(artist, s.id, {
      otherPlatform: "Patreon",
    });
    expect(request).toMatchObject({
      state: "granted",
      autoGranted: true,
      decidedBy: null,
    });
    expect(request.decidedAt).toBeInstanceOf(Date);
    expect(license).not.toBeNull();
    // Granted as asked.
    expect(await licenseRow(license!.id)).toMatchObject({
      requestId: request.id,
      submissionId: s.id,
      userId: artist.id,
      grantedBy: null,
      platforms: ["Instagram", "Vimeo"],
      otherPlatform: "Patreon",
      commercial: false,
      worldwide: false,
      countries: ["DE", "FR"],
      termStart: "2030-02-01",
      termEnd: "2030-12-31",
      creditLine: "Ari Artist / Greenroom",
      masterAllowed: true,
      revokedAt: null,
    });
    expect(license!.code).toMatch(LICENSE_CODE);

    const [granted] = await auditOf("rights.granted");
    expect(granted).toMatchObject({
      actorId: null,
      subjectType: "rights_request",
      subjectId: request.id,
      data: { licenseId: license!.id, code: license!.code, auto: true },
    });
    expect((await auditOf("rights.requested"))[0]!.actorId).toBe(artist.id);

    const emails = await emailsTo(artist);
    expect(emails).toHaveLength(emailsBefore + 1);
    const email = emails.at(-1)!;
    expect(emailIds).toEqual([email.id]);
    expect(email.template).toBe("rights-decision");
    expect(email.subject).toBe("Your publishing rights are granted: Salt flats");
    expect(email.html).toContain(license!.code);
    expect(email.html).toContain(`${APP_URL}/verify/${license!.code}`);
    expect(email.text).toContain("Hello Tess Trusted");
    const [note] = await notesOf(artist, "rights_granted");
    expect(note).toMatchObject({ link: "/rights", title: "Rights granted: Salt flats" });
    expect(note!.body).toContain(license!.code);

    // Nothing left for an admin to decide.
    const admin = await createUser(t.db, { role: "admin" });
    await expect(grantAs(admin, request.id)).rejects.toMatchObject({ status: 409 });
    await expect(
      denyRequest(t.db, acting(admin), request.id, "No.", { appUrl: APP_URL }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it("a resent auto-granted request answers with the same license", async () => {
    const artist = await createUser(t.db, { role: "artist", trustTier: "trusted" });
    const s = await approvedThroughReview(artist);
    const requestKey = crypto.randomUUID();
    const first = await requestAs(artist, s.id, { requestKey });
    const again = await requestAs(artist, s.id, { requestKey });
    expect(again.request.id).toBe(first.request.id);
    expect(again.license?.code).toBe(first.license!.code);
    expect(again.emailIds).toEqual([]);
    expect(await t.db.select().from(licenses)).toHaveLength(1);
  });

  it("a trusted artist's commercial request waits for an admin", async () => {
    const artist = await createUser(t.db, { role: "artist", trustTier: "trusted" });
    const s = await approvedThroughReview(artist, "commercial");
    const emailsBefore = (await emailsTo(artist)).length;
    const { request, license, emailIds } = await requestAs(artist, s.id, { commercial: "on" });
    expect(request).toMatchObject({ state: "pending", autoGranted: false });
    expect(license).toBeNull();
    expect(emailIds).toEqual([]);
    expect(await t.db.select().from(licenses)).toEqual([]);
    expect(await auditOf("rights.granted")).toEqual([]);
    expect(await emailsTo(artist)).toHaveLength(emailsBefore);
  });

  it("a standard artist's non-commercial request waits for an admin", async () => {
    const artist = await createUser(t.db, { role: "artist", trustTier: "standard" });
    const s = await approvedThroughReview(artist);
    const { request, license } = await requestAs(artist, s.id);
    expect(request).toMatchObject({ state: "pending", autoGranted: false });
    expect(license).toBeNull();
    expect(await t.db.select().from(licenses)).toEqual([]);
  });
});

describe("granting", () => {
  it("issues a license with the terms, tells the artist and audits it", async () => {
    const artist = await createUser(t.db, { role: "artist", displayName: "Ari Artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist);
    const { request } = await requestAs(artist, s.id);
    const emailsBefore = (await emailsTo(artist)).length;
    const { license, emailIds } = await grantAs(admin, request.id);

    expect(license.code).toMatch(LICENSE_CODE);
    expect(await licenseRow(license.id)).toMatchObject({
      requestId: request.id,
      submissionId: s.id,
      userId: artist.id,
      grantedBy: admin.id,
      platforms: ["Instagram", "Vimeo"],
      otherPlatform: null,
      commercial: false,
      worldwide: false,
      countries: ["DE", "FR"],
      termStart: "2030-02-01",
      termEnd: "2030-12-31",
      creditLine: "Ari Artist / Greenroom",
      masterAllowed: true,
      revokedAt: null,
    });
    // The license names the clip of the approved version.
    const [clipOfVersion] = await t.db.query.submissionVersions.findMany({
      where: (v, { eq: is }) => is(v.submissionId, s.id),
    });
    expect(license.clipId).toBe(clipOfVersion!.clipId);
    expect(await requestRow(request.id)).toMatchObject({
      state: "granted",
      decidedBy: admin.id,
      autoGranted: false,
    });

    const [audit] = await auditOf("rights.granted");
    expect(audit).toMatchObject({
      actorId: admin.id,
      subjectType: "rights_request",
      subjectId: request.id,
      data: { licenseId: license.id, code: license.code, narrowed: false },
    });

    const emails = await emailsTo(artist);
    expect(emails).toHaveLength(emailsBefore + 1);
    const email = emails.at(-1)!;
    expect(emailIds).toEqual([email.id]);
    expect(email.subject).toBe("Your publishing rights are granted: Salt flats");
    expect(email.html).toContain(license.code);
    expect(email.html).toContain(`${APP_URL}/verify/${license.code}`);
    expect(email.text).toContain("Instagram, Vimeo · non-commercial · Germany, France");
    const [note] = await notesOf(artist, "rights_granted");
    expect(note).toMatchObject({ link: "/rights", title: "Rights granted: Salt flats" });
    expect(note!.body).toContain(license.code);
  });

  it("may narrow every term", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist);
    const wide = {
      otherPlatform: "Patreon",
      territory: "worldwide",
      perpetual: "on",
      termEnd: "",
    };
    // [what was asked, what is granted, the license's terms]
    const cases: [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>][] = [
      [{}, { platforms: ["Vimeo"] }, { platforms: ["Vimeo"] }],
      [{}, { countries: ["FR"] }, { countries: ["FR"], worldwide: false }],
      [{}, { termStart: "2030-06-01" }, { termStart: "2030-06-01", termEnd: "2030-12-31" }],
      [{}, { termEnd: "2030-03-31" }, { termEnd: "2030-03-31" }],
      [{}, { termStart: "2030-12-31" }, { termStart: "2030-12-31" }],
      [{}, { masterAllowed: "" }, { masterAllowed: false }],
      [wide, { countries: ["JP", "KR"] }, { worldwide: false, countries: ["JP", "KR"] }],
      [
        wide,
        { ...wide, otherPlatform: "", platforms: ["Instagram"] },
        { otherPlatform: null, platforms: ["Instagram"], worldwide: true, termEnd: null },
      ],
      [wide, { ...wide, platforms: [] }, { otherPlatform: "Patreon", platforms: [] }],
      [wide, { ...wide, perpetual: "", termEnd: "2031-01-31" }, { termEnd: "2031-01-31" }],
    ];
    for (const [asked, granted, terms] of cases) {
      const { request } = await requestAs(artist, s.id, asked);
      const { license } = await grantAs(admin, request.id, granted);
      expect(license, JSON.stringify(granted)).toMatchObject(terms);
    }
    const audits = await auditOf("rights.granted");
    expect(audits).toHaveLength(cases.length);
    for (const a of audits) expect(a.data).toMatchObject({ narrowed: true });
  });

  it("narrows a commercial request to non-commercial", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist, "commercial");
    const { request } = await requestAs(artist, s.id, { commercial: "on" });
    const { license } = await grantAs(admin, request.id, { commercial: "" });
    expect(license.commercial).toBe(false);
    const next = await requestAs(artist, s.id, { commercial: "on" });
    const { license: commercial } = await grantAs(admin, next.request.id, { commercial: "on" });
    expect(commercial.commercial).toBe(true);
  });

  it("refuses to widen any term: 422 on the field, and nothing written", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist);
    // Asked: Instagram and Vimeo, non-commercial, France and Germany, 2030-02-01 to 2030-12-31,
    // no master.
    const { request } = await requestAs(artist, s.id, { masterNeeded: "", masterReason: "" });
    const cases: [Record<string, unknown>, string][] = [
      [{ platforms: ["Instagram", "Vimeo", "TikTok"] }, "platforms"],
      [{ platforms: ["YouTube"] }, "platforms"],
      [{ otherPlatform: "Patreon" }, "otherPlatform"],
      [{ commercial: "on" }, "commercial"],
      [{ territory: "worldwide" }, "countries"],
      [{ countries: ["FR", "DE", "GB"] }, "countries"],
      [{ countries: ["GB"] }, "countries"],
      [{ termStart: "2030-01-31" }, "termStart"],
      [{ termEnd: "2031-01-01" }, "termEnd"],
      [{ perpetual: "on" }, "termEnd"],
      [{ masterAllowed: "on" }, "masterAllowed"],
    ];
    const before = await written();
    for (const [grant, field] of cases)
      await expect(grantAs(admin, request.id, grant), JSON.stringify(grant)).rejects.toMatchObject({
        name: "UserError",
        status: 422,
        field,
      });
    expect(await written()).toEqual(before);
    expect((await requestRow(request.id)).state).toBe("pending");
  });

  it("refuses another other-platform than the one asked", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist);
    const { request } = await requestAs(artist, s.id, { otherPlatform: "Patreon" });
    await expect(grantAs(admin, request.id, { otherPlatform: "OnlyFans" })).rejects.toMatchObject({
      status: 422,
      field: "otherPlatform",
    });
  });

  it("decides once: a second grant is a 409, even when sent 8 times at once", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const other = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist);
    const { request } = await requestAs(artist, s.id);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => grantAs(i % 2 ? admin : other, request.id)),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected"))
      expect(r.reason).toMatchObject({
        status: 409,
        message: expect.stringMatching(/already granted/),
      });
    expect(await t.db.select().from(licenses)).toHaveLength(1);
    expect(await auditOf("rights.granted")).toHaveLength(1);
    expect(await notesOf(artist, "rights_granted")).toHaveLength(1);
    await expect(grantAs(admin, request.id)).rejects.toMatchObject({ status: 409 });
  });

  it("refuses once the submission is no longer approved (409)", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist);
    const { request } = await requestAs(artist, s.id);
    // Approval withdrawn after the request was made (by a later process, or by hand).
    await t.db.update(submissions).set({ state: "rejected" }).where(eq(submissions.id, s.id));
    const before = await written();
    await expect(grantAs(admin, request.id)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/no longer approved/),
    });
    expect(await written()).toEqual(before);
    // It can still be denied.
    await denyRequest(t.db, acting(admin), request.id, "The clip is no longer approved.", {
      appUrl: APP_URL,
    });
  });

  it("an unknown request is a 404", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    await expect(grantAs(admin, crypto.randomUUID())).rejects.toMatchObject({ status: 404 });
    await expect(
      denyRequest(t.db, acting(admin), crypto.randomUUID(), "No.", { appUrl: APP_URL }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      revokeLicense(t.db, acting(admin), crypto.randomUUID(), "No.", { appUrl: APP_URL }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("license codes are distinct, and a drawn code that is taken is drawn again", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist);
    const codes: string[] = [];
    const drawZeros = () => {
      // The next code drawn is GR-0000-0000; draws after it are random again.
      for (let i = 0; i < 8; i++) vi.mocked(randomInt).mockImplementationOnce((() => 0) as never);
    };
    const firstAsk = await requestAs(artist, s.id);
    vi.mocked(randomInt).mockClear();
    drawZeros();
    const first = await grantAs(admin, firstAsk.request.id);
    expect(first.license.code).toBe("GR-0000-0000");
    codes.push(first.license.code);
    const secondAsk = await requestAs(artist, s.id);
    drawZeros();
    const second = await grantAs(admin, secondAsk.request.id);
    // The zeros were drawn and refused by the unique index; the retry drew a fresh code.
    // 8 draws for the first code, 8 for the taken one, 8 for the retry.
    expect(vi.mocked(randomInt).mock.calls).toHaveLength(24);
    expect(second.license.code).not.toBe("GR-0000-0000");
    expect(second.license.code).toMatch(LICENSE_CODE);
    codes.push(second.license.code);
    for (let i = 0; i < 10; i++) {
      const { request } = await requestAs(artist, s.id);
      codes.push((await grantAs(admin, request.id)).license.code);
    }
    expect(new Set(codes).size).toBe(12);
    const stored = await t.db.select({ code: licenses.code }).from(licenses);
    expect(stored.map((l) => l.code).sort()).toEqual([...codes].sort());
    // And the database refuses a duplicate code by itself.
    const { id: _id, code: _code, requestId: _r, ...rest } = await licenseRow(second.license.id);
    const { request } = await requestAs(artist, s.id);
    await expect(
      t.db.insert(licenses).values({ ...rest, requestId: request.id, code: "GR-0000-0000" }),
    ).rejects.toThrow();
  });
});

describe("denying", () => {
  it("records the reason, tells the artist and audits it; then nothing else moves", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist);
    const { request } = await requestAs(artist, s.id);
    const emailsBefore = (await emailsTo(artist)).length;
    const reason = "Third-party music in the soundtrack.";
    const { emailIds } = await denyRequest(t.db, acting(admin), request.id, reason, {
      appUrl: APP_URL,
    });
    expect(await requestRow(request.id)).toMatchObject({
      state: "denied",
      decidedBy: admin.id,
      denyReason: reason,
    });
    expect(await t.db.select().from(licenses)).toEqual([]);
    const [audit] = await auditOf("rights.denied");
    expect(audit).toMatchObject({
      actorId: admin.id,
      subjectType: "rights_request",
      subjectId: request.id,
      data: { reason },
    });
    const emails = await emailsTo(artist);
    expect(emails).toHaveLength(emailsBefore + 1);
    const email = emails.at(-1)!;
    expect(emailIds).toEqual([email.id]);
    expect(email.subject).toBe("Your rights request was not granted: Salt flats");
    expect(email.html).toContain(reason);
    expect(email.html).not.toContain("/verify/");
    const [note] = await notesOf(artist, "rights_denied");
    expect(note).toMatchObject({ body: reason, link: "/rights" });

    const before = await written();
    await expect(
      denyRequest(t.db, acting(admin), request.id, "Again.", { appUrl: APP_URL }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/already denied/) });
    await expect(grantAs(admin, request.id)).rejects.toMatchObject({ status: 409 });
    expect(await written()).toEqual(before);
  });

  it("a granted request cannot be denied (409): revoke its license instead", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist);
    const { request } = await requestAs(artist, s.id);
    await grantAs(admin, request.id);
    const before = await written();
    await expect(
      denyRequest(t.db, acting(admin), request.id, "Changed my mind.", { appUrl: APP_URL }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/already granted/) });
    expect(await written()).toEqual(before);
  });
});

describe("revoking", () => {
  it("marks the license revoked, tells the artist and audits it; a second revoke is a 409", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist);
    const { request } = await requestAs(artist, s.id);
    const { license } = await grantAs(admin, request.id);
    const emailsBefore = (await emailsTo(artist)).length;
    const reason = "The music rights lapsed.";
    const result = await revokeLicense(t.db, acting(admin), license.id, reason, {
      appUrl: APP_URL,
    });
    const row = await licenseRow(license.id);
    expect(row.revokedAt).toBeInstanceOf(Date);
    expect(row).toMatchObject({ revokedBy: admin.id, revokeReason: reason, code: license.code });
    expect(result.license.revokedAt).toBeInstanceOf(Date);
    // The request stays granted: the license records the revocation.
    expect((await requestRow(request.id)).state).toBe("granted");

    const [audit] = await auditOf("rights.revoked");
    expect(audit).toMatchObject({
      actorId: admin.id,
      subjectType: "license",
      subjectId: license.id,
      data: { code: license.code, reason },
    });
    const emails = await emailsTo(artist);
    expect(emails).toHaveLength(emailsBefore + 1);
    const email = emails.at(-1)!;
    expect(result.emailIds).toEqual([email.id]);
    expect(email.subject).toBe("A license of yours was revoked: Salt flats");
    expect(email.html).toContain(license.code);
    expect(email.html).toContain(reason);
    const [note] = await notesOf(artist, "rights_revoked");
    expect(note).toMatchObject({ title: "License revoked: Salt flats", link: "/rights" });
    expect(note!.body).toContain(reason);

    const before = await written();
    await expect(
      revokeLicense(t.db, acting(admin), license.id, "Again.", { appUrl: APP_URL }),
    ).rejects.toMatchObject({ status: 409 });
    expect(await written()).toEqual(before);
    expect((await licenseRow(license.id)).revokeReason).toBe(reason);
  });

  it("revokes an auto-granted license too", async () => {
    const artist = await createUser(t.db, { role: "artist", trustTier: "trusted" });
    const admin = await createUser(t.db, { role: "admin" });
    const s = await approvedThroughReview(artist);
    const { license } = await requestAs(artist, s.id);
    await revokeLicense(t.db, acting(admin), license!.id, "Posted with the wrong credit.", {
      appUrl: APP_URL,
    });
    expect((await licenseRow(license!.id)).revokedBy).toBe(admin.id);
  });
});

describe("only admins decide", () => {
  it("artists (even the owner) and reviewers get 403 for grant, deny and revoke; nothing changes", async () => {
    const artist = await createUser(t.db, { role: "artist", trustTier: "trusted" });
    const admin = await createUser(t.db, { role: "admin" });
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const stranger = await createUser(t.db, { role: "artist" });
    const s = await approvedThroughReview(artist);
    const c = await approvedThroughReview(artist, "commercial", "Ad spot");
    // An auto-granted license to revoke, and a pending request to grant or deny.
    const { license } = await requestAs(artist, s.id);
    const { request } = await requestAs(artist, c.id, { commercial: "on" });
    expect(request.state).toBe("pending");
    const before = await written();
    for (const user of [artist, reviewer, stranger]) {
      const who = `${user.role} ${user.id === artist.id ? "(owner)" : ""}`;
      await expect(grantAs(user, request.id, { commercial: "on" }), who).rejects.toMatchObject({
        name: "ForbiddenError",
        status: 403,
      });
      await expect(
        denyRequest(t.db, acting(user), request.id, "No.", { appUrl: APP_URL }),
        who,
      ).rejects.toMatchObject({ status: 403 });
      await expect(
        revokeLicense(t.db, acting(user), license!.id, "No.", { appUrl: APP_URL }),
        who,
      ).rejects.toMatchObject({ status: 403 });
    }
    expect(await written()).toEqual(before);
    // The admin can.
    await grantAs(admin, request.id, { commercial: "on" });
  });
});

describe("the database", () => {
  it(`runs on ${onPostgres ? "PostgreSQL" : "PGlite"}`, () => {
    expect(t.kind).toBe(onPostgres ? "postgres" : "pglite");
  });
});
