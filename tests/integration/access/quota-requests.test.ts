import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { cohortInput, saveCohort } from "~/.server/access/cohorts";
import { acceptInvite, inviteOne } from "~/.server/access/invites";
import {
  answerQuotaRequest,
  artistsWithoutAccess,
  askForSeconds,
  openQuotaRequests,
} from "~/.server/access/quota-requests";
import { quotaUsage } from "~/.server/generation/quota";
import { createMailer } from "~/.server/mail/mailer";
import { UserError } from "~/.server/errors";
import { answerState, quotaRequestMachine } from "~/lib/quota-requests";
import { accessSettings, auditLog, notifications } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { acting, APP_URL, createUser, testEnv } from "../../support/factories";
import { artistWith, queueJob } from "../../support/generation";

const t = useTestDatabase();
const mailer = createMailer({
  EMAIL_FROM: testEnv.EMAIL_FROM,
  SESSION_SECRET: testEnv.SESSION_SECRET,
});

const ask = (artist: Parameters<typeof acting>[0], seconds = 60) =>
  askForSeconds(
    t.db,
    mailer,
    acting(artist),
    { requestedSeconds: seconds, reason: "A festival cut" },
    APP_URL,
  );

describe("quota requests: the state machine", () => {
  it("answers an open request once, and never changes an answer", () => {
    expect(quotaRequestMachine.check("open", "granted").ok).toBe(true);
    expect(quotaRequestMachine.check("open", "partly_granted").ok).toBe(true);
    expect(quotaRequestMachine.check("open", "declined").ok).toBe(true);
    expect(quotaRequestMachine.check("granted", "declined")).toEqual({
      ok: false,
      reason: "This request has already been answered.",
    });
    expect(quotaRequestMachine.from("granted")).toEqual(["open"]);
    expect([answerState(60, 60), answerState(60, 20), answerState(60, 0)]).toEqual([
      "granted",
      "partly_granted",
      "declined",
    ]);
  });
});

describe("quota requests", () => {
  it("an artist asks, admins are told, a part is granted and the seconds count this month", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const artist = await artistWith(t.db, { monthlyQuotaSeconds: 30 });
    const before = await quotaUsage(t.db, artist.id, 30);
    const request = await ask(artist, 60);
    const adminNotes = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, admin.id), eq(notifications.kind, "quota_requested")));
    expect(adminNotes).toHaveLength(1);
    expect((await openQuotaRequests(t.db, acting(admin))).map((r) => r.id)).toEqual([request.id]);

    // A second request while one is open is refused next to the field.
    await expect(ask(artist, 10)).rejects.toMatchObject({ status: 409, field: "requestedSeconds" });

    const answered = await answerQuotaRequest(
      t.db,
      mailer,
      acting(admin),
      request.id,
      { grantedSeconds: 20, note: "Twenty for now." },
      APP_URL,
    );
    expect(answered.state).toBe("partly_granted");
    const after = await quotaUsage(t.db, artist.id, 30);
    expect(after.quotaSeconds - before.quotaSeconds).toBe(20);
    expect(after.remainingSeconds).toBe(50);
    const told = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, artist.id), eq(notifications.kind, "quota_answered")));
    expect(told[0]!.title).toBe("You have 20 of the 60 seconds you asked for");
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.subjectId, request.id));
    expect(audit.map((a) => a.action).sort()).toEqual([
      "quota_request.answered",
      "quota_request.created",
    ]);
    // The granted seconds pay for a clip above the monthly quota.
    await queueJob(t.db, artist, { durationSeconds: 20, resolution: "480p" });
    await queueJob(t.db, artist, { durationSeconds: 20, resolution: "480p" });
  });

  it("refuses granting more than asked, next to the field", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const artist = await artistWith(t.db);
    const request = await ask(artist, 30);
    await expect(
      answerQuotaRequest(
        t.db,
        mailer,
        acting(admin),
        request.id,
        { grantedSeconds: 31, note: null },
        APP_URL,
      ),
    ).rejects.toMatchObject({ status: 422, field: "grantedSeconds" });
  });

  it("two admins answering at once give one answer; the other is told who was first", async () => {
    const first = await createUser(t.db, { role: "admin", displayName: "Ada Admin" });
    const second = await createUser(t.db, { role: "admin", displayName: "Bo Admin" });
    const artist = await artistWith(t.db);
    const request = await ask(artist, 40);
    const results = await Promise.allSettled([
      answerQuotaRequest(
        t.db,
        mailer,
        acting(first),
        request.id,
        { grantedSeconds: 40, note: null },
        APP_URL,
      ),
      answerQuotaRequest(
        t.db,
        mailer,
        acting(second),
        request.id,
        { grantedSeconds: 0, note: "No." },
        APP_URL,
      ),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const error = (lost[0] as PromiseRejectedResult).reason as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/already been answered by (Ada|Bo) Admin\./);
    const answers = await t.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "quota_request.answered"));
    expect(answers).toHaveLength(1);
    const artistNotes = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, artist.id), eq(notifications.kind, "quota_answered")));
    expect(artistNotes).toHaveLength(1);
  });

  it("is for artists to ask and admins to answer", async () => {
    const reviewer = await createUser(t.db, { role: "reviewer" });
    const artist = await artistWith(t.db);
    const request = await ask(artist);
    await expect(
      askForSeconds(
        t.db,
        mailer,
        acting(reviewer),
        { requestedSeconds: 10, reason: "Me too" },
        APP_URL,
      ),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      answerQuotaRequest(
        t.db,
        mailer,
        acting(artist),
        request.id,
        { grantedSeconds: 60, note: null },
        APP_URL,
      ),
    ).rejects.toMatchObject({ status: 403 });
  });
});

describe("cohorts", () => {
  it("an artist invited into a cohort can generate the moment they join", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const cohort = await saveCohort(
      t.db,
      acting(admin),
      cohortInput.parse({
        name: "Spring 2027",
        monthlyQuotaSeconds: "120",
        maxDurationSeconds: "10",
        maxResolution: "720p",
        maxConcurrentJobs: "1",
      }),
    );
    const { token } = await inviteOne(
      t.db,
      mailer,
      acting(admin),
      { email: "new.artist@example.test", role: "artist", cohortId: cohort.id },
      APP_URL,
    );
    expect((await artistsWithoutAccess(t.db, acting(admin))).map((a) => a.email)).toEqual([
      "new.artist@example.test",
    ]);
    const { user } = await acceptInvite(
      t.db,
      { token, displayName: "New Artist", password: "a long enough password" },
      { userId: null, ip: null, userAgent: null },
      { secure: false },
    );
    const [settings] = await t.db
      .select()
      .from(accessSettings)
      .where(eq(accessSettings.userId, user.id));
    expect(settings).toMatchObject({
      monthlyQuotaSeconds: 120,
      maxDurationSeconds: 10,
      maxResolution: "720p",
      maxConcurrentJobs: 1,
      cohort: "Spring 2027",
    });
    expect(await artistsWithoutAccess(t.db, acting(admin))).toEqual([]);
    const job = await queueJob(t.db, user, { durationSeconds: 10, resolution: "720p" });
    expect(job.status).toBe("queued");
  });

  it("refuses a duplicate cohort name and an unknown cohort on an invite", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    const input = cohortInput.parse({
      name: "Autumn",
      monthlyQuotaSeconds: "60",
      maxDurationSeconds: "5",
      maxResolution: "480p",
      maxConcurrentJobs: "1",
    });
    await saveCohort(t.db, acting(admin), input);
    await expect(
      saveCohort(t.db, acting(admin), { ...input, name: "autumn" }),
    ).rejects.toMatchObject({
      status: 409,
      field: "name",
    });
    await expect(
      inviteOne(
        t.db,
        mailer,
        acting(admin),
        { email: "x@example.test", role: "artist", cohortId: "nope" },
        APP_URL,
      ),
    ).rejects.toMatchObject({ status: 422, field: "cohortId" });
  });
});
