import { and, eq } from "drizzle-orm";
import type { Db } from "~/.server/db";
import { newLicenseCode } from "~/.server/rights/requests";
import {
  auditLog,
  licenses,
  notifications,
  rightsRequests,
  submissions,
  submissionVersions,
  users,
} from "./schema";

// Rights on the demo's approved submissions: a valid license, a commercial one, one revoked, and
// a request waiting for an admin. Dates are relative to today so statuses stay as described.

type DemoRights = {
  artist: string;
  title: string;
  state: "pending" | "granted";
  commercial: boolean;
  platforms: string[];
  worldwide: boolean;
  countries?: string[];
  startDaysAgo: number;
  endInDays: number | null;
  masterNeeded?: string;
  revoked?: string;
  auto?: boolean;
  hoursAgo: number;
};

const DEMO_RIGHTS: DemoRights[] = [
  {
    artist: "artist@greenroom.test",
    title: "Lighthouse spirals",
    state: "granted",
    commercial: false,
    platforms: ["Vimeo", "Personal website"],
    worldwide: true,
    startDaysAgo: 1,
    endInDays: null,
    masterNeeded: "A clean copy for my portfolio reel.",
    hoursAgo: 30,
  },
  {
    artist: "kenji.watanabe@greenroom.test",
    title: "Cranes, folding",
    state: "granted",
    commercial: true,
    platforms: ["Instagram", "YouTube"],
    worldwide: false,
    countries: ["JP", "US"],
    startDaysAgo: 5,
    endInDays: 90,
    hoursAgo: 130,
    revoked: "The stationery shop used it beyond the licensed countries.",
  },
  {
    artist: "lucia.ferraro@greenroom.test",
    title: "Rooftops at noon",
    state: "pending",
    commercial: false,
    platforms: ["Personal website", "Instagram"],
    worldwide: false,
    countries: ["IT", "ES"],
    startDaysAgo: 0,
    endInDays: 365,
    hoursAgo: 20,
  },
];

const dayOffset = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000);

export async function seedDemoRights(db: Db) {
  const [admin] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, "admin@greenroom.test"));
  let made = 0;
  for (const demo of DEMO_RIGHTS) {
    const [submission] = await db
      .select({ id: submissions.id, userId: submissions.userId, clipId: submissionVersions.clipId })
      .from(submissions)
      .innerJoin(users, eq(users.id, submissions.userId))
      .innerJoin(
        submissionVersions,
        and(
          eq(submissionVersions.submissionId, submissions.id),
          eq(submissionVersions.number, submissions.currentVersion),
        ),
      )
      .where(
        and(
          eq(users.email, demo.artist),
          eq(submissions.title, demo.title),
          eq(submissions.state, "approved"),
        ),
      );
    if (!submission) continue;
    const [existing] = await db
      .select({ id: rightsRequests.id })
      .from(rightsRequests)
      .where(eq(rightsRequests.submissionId, submission.id));
    if (existing) continue;
    await db.transaction(async (tx) => {
      const terms = {
        platforms: demo.platforms,
        otherPlatform: null,
        commercial: demo.commercial,
        worldwide: demo.worldwide,
        countries: demo.countries ?? [],
        termStart: dayOffset(-demo.startDaysAgo),
        termEnd: demo.endInDays === null ? null : dayOffset(demo.endInDays),
      };
      const [request] = await tx
        .insert(rightsRequests)
        .values({
          submissionId: submission.id,
          userId: submission.userId,
          ...terms,
          creditLine: `${demo.title} — made with Greenroom`,
          masterNeeded: Boolean(demo.masterNeeded),
          masterReason: demo.masterNeeded ?? null,
          state: demo.state,
          decidedBy: demo.state === "granted" ? (admin?.id ?? null) : null,
          decidedAt: demo.state === "granted" ? ago(demo.hoursAgo - 2) : null,
          createdAt: ago(demo.hoursAgo),
        })
        .returning();
      await tx.insert(auditLog).values({
        actorId: submission.userId,
        action: "rights.requested",
        subjectType: "rights_request",
        subjectId: request!.id,
        data: { submissionId: submission.id, commercial: demo.commercial },
        createdAt: ago(demo.hoursAgo),
      });
      if (demo.state !== "granted") return;
      const [license] = await tx
        .insert(licenses)
        .values({
          code: newLicenseCode(),
          requestId: request!.id,
          submissionId: submission.id,
          clipId: submission.clipId,
          userId: submission.userId,
          ...terms,
          creditLine: request!.creditLine,
          masterAllowed: Boolean(demo.masterNeeded),
          grantedBy: admin?.id ?? null,
          grantedAt: ago(demo.hoursAgo - 2),
          revokedAt: demo.revoked ? ago(10) : null,
          revokedBy: demo.revoked ? (admin?.id ?? null) : null,
          revokeReason: demo.revoked ?? null,
        })
        .returning();
      await tx.insert(auditLog).values({
        actorId: admin?.id ?? null,
        action: "rights.granted",
        subjectType: "rights_request",
        subjectId: request!.id,
        data: { licenseId: license!.id, code: license!.code },
        createdAt: ago(demo.hoursAgo - 2),
      });
      await tx.insert(notifications).values({
        userId: submission.userId,
        kind: "rights_granted",
        title: `Rights granted: ${demo.title}`,
        body: `${license!.code}`,
        link: "/rights",
        readAt: ago(demo.hoursAgo - 3),
        createdAt: ago(demo.hoursAgo - 2),
      });
      if (demo.revoked)
        await tx.insert(auditLog).values({
          actorId: admin?.id ?? null,
          action: "rights.revoked",
          subjectType: "license",
          subjectId: license!.id,
          data: { code: license!.code, reason: demo.revoked },
          createdAt: ago(10),
        });
    });
    made++;
  }
  return made;
}
