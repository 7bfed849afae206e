import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { LICENSE_CODE, licenseStatus, normaliseLicenseCode, type RequestState } from "~/lib/rights";
import { licenses, rightsRequests, submissions, users } from "~db/schema";
import { assertCan } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import type { Db } from "../db";
import { encodeTimeCursor, requireTimeCursor } from "../pagination";
import { todayUtc } from "./requests";

// What each audience reads about rights: the artist their own, admins the queue, and anyone the
// few public facts of one license.

export const RIGHTS_PAGE_SIZE = 25;

/** The artist's requests, each with its license if there is one, newest first. */
export async function listOwnRights(db: Db, artist: SessionUser, now = new Date()) {
  assertCan(artist, "studio:use");
  const rows = await db
    .select({ request: rightsRequests, license: licenses, title: submissions.title })
    .from(rightsRequests)
    .innerJoin(submissions, eq(submissions.id, rightsRequests.submissionId))
    .leftJoin(licenses, eq(licenses.requestId, rightsRequests.id))
    .where(eq(rightsRequests.userId, artist.id))
    .orderBy(desc(rightsRequests.createdAt), desc(rightsRequests.id))
    .limit(200);
  const today = todayUtc(now);
  return rows.map((r) => ({
    ...r,
    status: r.license ? licenseStatus(r.license, today) : null,
  }));
}

/** The artist's approved submissions that could carry a request now (none open). */
export async function requestableSubmissions(db: Db, artist: SessionUser) {
  assertCan(artist, "studio:use");
  return db
    .select({ id: submissions.id, title: submissions.title, intendedUse: submissions.intendedUse })
    .from(submissions)
    .where(
      and(
        eq(submissions.userId, artist.id),
        eq(submissions.state, "approved"),
        sql`not exists (select 1 from ${rightsRequests} where ${rightsRequests.submissionId} = ${submissions.id} and ${rightsRequests.state} = 'pending')`,
      ),
    )
    .orderBy(desc(submissions.decidedAt));
}

const decider = alias(users, "decider");

/** The admins' queue: open requests oldest first, or decided ones newest first. */
export async function listRightsQueue(
  db: Db,
  admin: SessionUser,
  options: { state: RequestState; after?: string | null },
  now = new Date(),
) {
  assertCan(admin, "rights:manage");
  const after = requireTimeCursor(options.after);
  const pending = options.state === "pending";
  const rows = await db
    .select({
      request: rightsRequests,
      cursorAt: sql<string>`${rightsRequests.createdAt}::text`,
      title: submissions.title,
      intendedUse: submissions.intendedUse,
      artist: users.displayName,
      artistEmail: users.email,
      trustTier: users.trustTier,
      decidedByName: decider.displayName,
      license: licenses,
    })
    .from(rightsRequests)
    .innerJoin(submissions, eq(submissions.id, rightsRequests.submissionId))
    .innerJoin(users, eq(users.id, rightsRequests.userId))
    .leftJoin(decider, eq(decider.id, rightsRequests.decidedBy))
    .leftJoin(licenses, eq(licenses.requestId, rightsRequests.id))
    .where(
      and(
        eq(rightsRequests.state, options.state),
        after
          ? pending
            ? sql`(${rightsRequests.createdAt}, ${rightsRequests.id}) > (${after.at}::timestamptz, ${after.id})`
            : sql`(${rightsRequests.createdAt}, ${rightsRequests.id}) < (${after.at}::timestamptz, ${after.id})`
          : undefined,
      ),
    )
    .orderBy(
      pending ? asc(rightsRequests.createdAt) : desc(rightsRequests.createdAt),
      pending ? asc(rightsRequests.id) : desc(rightsRequests.id),
    )
    .limit(RIGHTS_PAGE_SIZE + 1);
  const [counts] = await db
    .select({
      pending: sql<number>`count(*) filter (where ${rightsRequests.state} = 'pending')::int`,
      granted: sql<number>`count(*) filter (where ${rightsRequests.state} = 'granted')::int`,
      denied: sql<number>`count(*) filter (where ${rightsRequests.state} = 'denied')::int`,
    })
    .from(rightsRequests);
  const hasMore = rows.length > RIGHTS_PAGE_SIZE;
  const page = rows.slice(0, RIGHTS_PAGE_SIZE);
  const last = page.at(-1);
  const today = todayUtc(now);
  return {
    items: page.map(({ cursorAt: _, ...r }) => ({
      ...r,
      status: r.license ? licenseStatus(r.license, today) : null,
    })),
    counts: {
      pending: Number(counts?.pending ?? 0),
      granted: Number(counts?.granted ?? 0),
      denied: Number(counts?.denied ?? 0),
    },
    nextCursor: hasMore && last ? encodeTimeCursor(last.cursorAt, last.request.id) : null,
  };
}

/**
 * The public facts of a license, for /verify/<code>: title, the artist's display name, scope,
 * dates, status, and the clip (for the poster, and a preview only while valid). Nothing else. An
 * unknown or malformed code is null, indistinguishable from each other.
 */
export async function verifyLicense(db: Db, rawCode: string, now = new Date()) {
  const code = normaliseLicenseCode(rawCode);
  if (!LICENSE_CODE.test(code)) return null;
  const [row] = await db
    .select({
      code: licenses.code,
      clipId: licenses.clipId,
      platforms: licenses.platforms,
      otherPlatform: licenses.otherPlatform,
      commercial: licenses.commercial,
      worldwide: licenses.worldwide,
      countries: licenses.countries,
      termStart: licenses.termStart,
      termEnd: licenses.termEnd,
      creditLine: licenses.creditLine,
      grantedAt: licenses.grantedAt,
      revokedAt: licenses.revokedAt,
      title: submissions.title,
      artist: users.displayName,
    })
    .from(licenses)
    .innerJoin(submissions, eq(submissions.id, licenses.submissionId))
    .innerJoin(users, eq(users.id, licenses.userId))
    .where(eq(licenses.code, code));
  if (!row) return null;
  return {
    ...row,
    artist: row.artist || "A Greenroom artist",
    status: licenseStatus(row, todayUtc(now)),
  };
}

/** Licenses of a clip, for the provenance check: the codes and their status. */
export async function licensesOfClip(db: Db, clipIds: string[], now = new Date()) {
  if (clipIds.length === 0) return [];
  const rows = await db.select().from(licenses).where(inArray(licenses.clipId, clipIds));
  const today = todayUtc(now);
  return rows.map((l) => ({ ...l, status: licenseStatus(l, today) }));
}
