import { randomInt } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import {
  CODE_ALPHABET,
  COUNTRIES,
  PLATFORMS,
  requestTransition,
  termsInWords,
  type Terms,
} from "~/lib/rights";
import { checkboxValue, isoDay, manyValues, optionalIsoDay } from "~/lib/validation";
import {
  licenses,
  rightsRequests,
  submissions,
  submissionVersions,
  type License,
  type RightsRequest,
} from "~db/schema";
import { recordAudit, SYSTEM_ACTOR } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { Db, Tx } from "../db";
import { UserError } from "../errors";
import { notify } from "../notifications/notify";

// Rights requests on approved submissions, and the licenses that answer them: granted by an admin
// (terms may be narrowed), at once by the system for trusted artists' non-commercial requests,
// denied with a reason, revoked with a reason. Every move is audited and the artist is told.

/** Where, how and for how long: shared by the artist's request and the admin's grant. */
const termsFields = {
  platforms: manyValues(z.enum(PLATFORMS, { error: "Choose platforms from the list." })),
  otherPlatform: z.preprocess(
    (v) => (typeof v === "string" && v.trim() === "" ? undefined : v),
    z.string().trim().max(80, "Use at most 80 characters.").optional(),
  ),
  commercial: checkboxValue,
  territory: z.enum(["worldwide", "countries"], { error: "Choose worldwide or countries." }),
  countries: manyValues(
    z.enum(COUNTRIES as [string, ...string[]], { error: "Choose countries from the list." }),
  ),
  termStart: isoDay,
  termEnd: optionalIsoDay,
  perpetual: checkboxValue,
};

type TermsForm = {
  platforms: string[];
  otherPlatform?: string;
  territory: "worldwide" | "countries";
  countries: string[];
  termStart: string;
  termEnd?: string;
  perpetual: boolean;
};

function refineTerms(t: TermsForm, ctx: z.RefinementCtx) {
  if (t.platforms.length === 0 && !t.otherPlatform)
    ctx.addIssue({ code: "custom", path: ["platforms"], message: "Choose at least one platform." });
  if (t.territory === "countries" && t.countries.length === 0)
    ctx.addIssue({ code: "custom", path: ["countries"], message: "Choose at least one country." });
  if (!t.perpetual && !t.termEnd)
    ctx.addIssue({
      code: "custom",
      path: ["termEnd"],
      message: "Choose an end date, or make it perpetual.",
    });
  if (!t.perpetual && t.termEnd && t.termEnd < t.termStart)
    ctx.addIssue({ code: "custom", path: ["termEnd"], message: "The end comes before the start." });
}

function toTerms(t: TermsForm & { commercial: boolean }): Terms {
  return {
    platforms: [...new Set(t.platforms)],
    otherPlatform: t.otherPlatform ?? null,
    commercial: t.commercial,
    worldwide: t.territory === "worldwide",
    countries: t.territory === "worldwide" ? [] : [...new Set(t.countries)].sort(),
    termStart: t.termStart,
    termEnd: t.perpetual ? null : (t.termEnd ?? null),
  };
}

export const rightsRequestInput = z
  .object({
    ...termsFields,
    creditLine: z
      .string({ error: "Give the credit line." })
      .trim()
      .min(1, "Give the credit line.")
      .max(200, "Use at most 200 characters."),
    masterNeeded: checkboxValue,
    masterReason: z.string().trim().max(1000, "Use at most 1,000 characters.").optional(),
    requestKey: z.uuid().optional().catch(undefined),
  })
  .superRefine((t, ctx) => {
    refineTerms(t, ctx);
    if (t.masterNeeded && !t.masterReason)
      ctx.addIssue({
        code: "custom",
        path: ["masterReason"],
        message: "Say why you need a master without the watermark.",
      });
  })
  .transform((t) => ({
    ...toTerms(t),
    creditLine: t.creditLine,
    masterNeeded: t.masterNeeded,
    masterReason: t.masterNeeded ? (t.masterReason ?? null) : null,
    requestKey: t.requestKey,
  }));
export type RightsRequestInput = z.infer<typeof rightsRequestInput>;

export const grantInput = z
  .object({ ...termsFields, masterAllowed: checkboxValue })
  .superRefine(refineTerms)
  .transform((t) => ({ ...toTerms(t), masterAllowed: t.masterAllowed }));
export type GrantInput = z.infer<typeof grantInput>;

export const reasonInput = z
  .string({ error: "Give a reason the artist can read." })
  .trim()
  .min(1, "Give a reason the artist can read.")
  .max(1000, "Use at most 1,000 characters.");

export function todayUtc(now = new Date()) {
  return now.toISOString().slice(0, 10);
}

/** GR-XXXX-XXXX: 40 random bits in Crockford's alphabet. */
export function newLicenseCode() {
  const part = () =>
    Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
  return `GR-${part()}-${part()}`;
}

/** Issues the license for a request with `terms`; a code collision draws again. */
async function issueLicense(
  tx: Tx,
  request: RightsRequest,
  terms: Terms & { masterAllowed: boolean },
  grantedBy: string | null,
): Promise<License> {
  const [version] = await tx
    .select({ clipId: submissionVersions.clipId })
    .from(submissionVersions)
    .innerJoin(submissions, eq(submissions.id, submissionVersions.submissionId))
    .where(
      and(
        eq(submissionVersions.submissionId, request.submissionId),
        eq(submissionVersions.number, submissions.currentVersion),
      ),
    );
  for (let attempt = 0; attempt < 5; attempt++) {
    const [license] = await tx
      .insert(licenses)
      .values({
        code: newLicenseCode(),
        requestId: request.id,
        submissionId: request.submissionId,
        clipId: version!.clipId,
        userId: request.userId,
        ...terms,
        creditLine: request.creditLine,
        grantedBy,
      })
      .onConflictDoNothing({ target: licenses.code })
      .returning();
    if (license) return license;
  }
  throw new Error("Could not draw a free license code in five tries.");
}

async function tellArtist(
  tx: Tx,
  outcome: "granted" | "denied" | "revoked",
  input: {
    userId: string;
    title: string;
    license: License | null;
    reason: string | null;
    appUrl: string;
  },
) {
  const { license } = input;
  const words = {
    granted: "Rights granted",
    denied: "Rights not granted",
    revoked: "License revoked",
  };
  return notify(
    tx,
    {
      userId: input.userId,
      kind: `rights_${outcome}`,
      title: `${words[outcome]}: ${input.title}`,
      body: license
        ? `${license.code} · ${termsInWords(license)}${input.reason ? ` — ${input.reason}` : ""}`
        : (input.reason ?? ""),
      link: "/rights",
      email: {
        template: "rights-decision",
        props: {
          submissionTitle: input.title,
          outcome,
          code: license?.code ?? null,
          terms: license ? termsInWords(license) : null,
          reason: input.reason,
          verifyUrl: license ? new URL(`/verify/${license.code}`, input.appUrl).toString() : null,
        },
      },
    },
    input.appUrl,
  );
}

/**
 * The artist asks to publish an approved submission. One open request per submission; commercial
 * use needs a submission approved for commercial use; a trusted artist's non-commercial request
 * is granted at once, by the system.
 */
export async function requestRights(
  db: Db,
  artist: ActingUser,
  submissionId: string,
  input: RightsRequestInput,
  options: { appUrl: string; now?: Date },
) {
  assertCan(artist, "studio:use");
  return db.transaction(async (tx) => {
    // Locking the submission serialises requests on it: the open-request check cannot race.
    const [submission] = await tx
      .select()
      .from(submissions)
      .where(and(eq(submissions.id, submissionId), eq(submissions.userId, artist.id)))
      .for("update");
    if (!submission) throw new UserError("There is no such submission.", 404);
    if (input.requestKey) {
      // The key is unique across all requests: one used elsewhere (another artist's, or this
      // artist's on another submission) would otherwise fail the insert below as a 500.
      const [already] = await tx
        .select()
        .from(rightsRequests)
        .where(eq(rightsRequests.requestKey, input.requestKey));
      if (already && (already.userId !== artist.id || already.submissionId !== submissionId))
        throw new UserError("This form was already used. Reload the page.", 409);
      if (already) {
        // A resend: the same answer as the first time, with its license if it was granted.
        const [license] = await tx
          .select()
          .from(licenses)
          .where(eq(licenses.requestId, already.id));
        return { request: already, license: license ?? null, emailIds: [] as string[] };
      }
    }
    if (submission.state !== "approved")
      throw new UserError("Rights can be requested only for an approved submission.", 409);
    if (input.commercial && submission.intendedUse !== "commercial")
      throw new UserError(
        "Commercial use needs a submission approved for commercial use (two approvals). Submit the clip for commercial use first.",
        422,
        "commercial",
      );
    if (input.termStart < todayUtc(options.now))
      throw new UserError("The term cannot start in the past.", 422, "termStart");
    const [open] = await tx
      .select({ id: rightsRequests.id })
      .from(rightsRequests)
      .where(
        and(eq(rightsRequests.submissionId, submissionId), eq(rightsRequests.state, "pending")),
      );
    if (open)
      throw new UserError(
        "This submission already has an open request. Wait for its answer first.",
        409,
      );
    const [request] = await tx
      .insert(rightsRequests)
      .values({
        submissionId,
        userId: artist.id,
        platforms: input.platforms,
        otherPlatform: input.otherPlatform,
        commercial: input.commercial,
        worldwide: input.worldwide,
        countries: input.countries,
        termStart: input.termStart,
        termEnd: input.termEnd,
        creditLine: input.creditLine,
        masterNeeded: input.masterNeeded,
        masterReason: input.masterReason,
        requestKey: input.requestKey ?? null,
      })
      .returning();
    await recordAudit(tx, auditActor(artist), {
      action: "rights.requested",
      subjectType: "rights_request",
      subjectId: request!.id,
      data: { submissionId, commercial: input.commercial },
    });
    if (artist.trustTier !== "trusted" || input.commercial)
      return { request: request!, license: null, emailIds: [] as string[] };

    // Trusted tier, non-commercial: granted as asked, by the system.
    const license = await issueLicense(
      tx,
      request!,
      { ...input, masterAllowed: input.masterNeeded },
      null,
    );
    const [granted] = await tx
      .update(rightsRequests)
      .set({ state: "granted", decidedAt: sql`now()`, autoGranted: true })
      .where(eq(rightsRequests.id, request!.id))
      .returning();
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: "rights.granted",
      subjectType: "rights_request",
      subjectId: request!.id,
      data: { licenseId: license.id, code: license.code, auto: true },
    });
    const emailId = await tellArtist(tx, "granted", {
      userId: artist.id,
      title: submission.title,
      license,
      reason: null,
      appUrl: options.appUrl,
    });
    return { request: granted!, license, emailIds: emailId ? [emailId] : [] };
  });
}

async function lockRequest(tx: Tx, requestId: string) {
  const [request] = await tx
    .select()
    .from(rightsRequests)
    .where(eq(rightsRequests.id, requestId))
    .for("update");
  if (!request) throw new UserError("There is no such request.", 404);
  return request;
}

async function titleOf(tx: Tx, submissionId: string) {
  const [s] = await tx
    .select({
      title: submissions.title,
      state: submissions.state,
      intendedUse: submissions.intendedUse,
    })
    .from(submissions)
    .where(eq(submissions.id, submissionId));
  return s!;
}

/** Why `grant` is not within `request`, or null. Terms may only be narrowed. */
export function narrowingProblem(request: RightsRequest, grant: GrantInput) {
  const asked = new Set(request.platforms);
  if (grant.platforms.some((p) => !asked.has(p)))
    return { field: "platforms", message: "Grant only platforms that were asked for." };
  if (grant.otherPlatform && grant.otherPlatform !== request.otherPlatform)
    return {
      field: "otherPlatform",
      message: "Keep the artist's other platform, or leave it out.",
    };
  if (grant.commercial && !request.commercial)
    return { field: "commercial", message: "Commercial use was not asked for." };
  if (grant.worldwide && !request.worldwide)
    return {
      field: "countries",
      message: "Worldwide was not asked for: choose from the countries.",
    };
  if (!request.worldwide && grant.countries.some((c) => !request.countries.includes(c)))
    return { field: "countries", message: "Grant only countries that were asked for." };
  if (grant.termStart < request.termStart)
    return { field: "termStart", message: "The term cannot start before the artist asked." };
  if (request.termEnd !== null && (grant.termEnd === null || grant.termEnd > request.termEnd))
    return { field: "termEnd", message: "The term cannot end after the artist asked." };
  if (grant.masterAllowed && !request.masterNeeded)
    return { field: "masterAllowed", message: "A watermark-free master was not asked for." };
  return null;
}

/** An admin grants, with the terms asked for or narrower; the license gets its code. */
export async function grantRequest(
  db: Db,
  admin: ActingUser,
  requestId: string,
  grant: GrantInput,
  options: { appUrl: string },
) {
  assertCan(admin, "rights:manage");
  return db.transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    const move = requestTransition(request.state, { type: "grant" });
    if (!move.ok) throw new UserError(move.reason, 409);
    const problem = narrowingProblem(request, grant);
    if (problem) throw new UserError(problem.message, 422, problem.field);
    const submission = await titleOf(tx, request.submissionId);
    if (submission.state !== "approved")
      throw new UserError("The submission is no longer approved; deny the request instead.", 409);
    if (grant.commercial && submission.intendedUse !== "commercial")
      throw new UserError(
        "Commercial use needs a submission approved for commercial use.",
        422,
        "commercial",
      );
    const license = await issueLicense(tx, request, grant, admin.id);
    await tx
      .update(rightsRequests)
      .set({ state: move.to, decidedBy: admin.id, decidedAt: sql`now()` })
      .where(eq(rightsRequests.id, requestId));
    await recordAudit(tx, auditActor(admin), {
      action: "rights.granted",
      subjectType: "rights_request",
      subjectId: requestId,
      data: { licenseId: license.id, code: license.code, narrowed: narrowed(request, grant) },
    });
    const emailId = await tellArtist(tx, "granted", {
      userId: request.userId,
      title: submission.title,
      license,
      reason: null,
      appUrl: options.appUrl,
    });
    return { license, emailIds: emailId ? [emailId] : [] };
  });
}

function narrowed(request: RightsRequest, grant: GrantInput) {
  return (
    grant.platforms.length !== request.platforms.length ||
    grant.otherPlatform !== request.otherPlatform ||
    grant.commercial !== request.commercial ||
    grant.worldwide !== request.worldwide ||
    grant.countries.length !== request.countries.length ||
    grant.termStart !== request.termStart ||
    grant.termEnd !== request.termEnd ||
    grant.masterAllowed !== request.masterNeeded
  );
}

export async function denyRequest(
  db: Db,
  admin: ActingUser,
  requestId: string,
  reason: string,
  options: { appUrl: string },
) {
  assertCan(admin, "rights:manage");
  return db.transaction(async (tx) => {
    const request = await lockRequest(tx, requestId);
    const move = requestTransition(request.state, { type: "deny" });
    if (!move.ok) throw new UserError(move.reason, 409);
    await tx
      .update(rightsRequests)
      .set({ state: move.to, decidedBy: admin.id, decidedAt: sql`now()`, denyReason: reason })
      .where(eq(rightsRequests.id, requestId));
    await recordAudit(tx, auditActor(admin), {
      action: "rights.denied",
      subjectType: "rights_request",
      subjectId: requestId,
      data: { reason },
    });
    const { title } = await titleOf(tx, request.submissionId);
    const emailId = await tellArtist(tx, "denied", {
      userId: request.userId,
      title,
      license: null,
      reason,
      appUrl: options.appUrl,
    });
    return { emailIds: emailId ? [emailId] : [] };
  });
}

export async function revokeLicense(
  db: Db,
  admin: ActingUser,
  licenseId: string,
  reason: string,
  options: { appUrl: string },
) {
  assertCan(admin, "rights:manage");
  return db.transaction(async (tx) => {
    const [license] = await tx
      .select()
      .from(licenses)
      .where(eq(licenses.id, licenseId))
      .for("update");
    if (!license) throw new UserError("There is no such license.", 404);
    if (license.revokedAt) throw new UserError("This license is already revoked.", 409);
    const [revoked] = await tx
      .update(licenses)
      .set({ revokedAt: sql`now()`, revokedBy: admin.id, revokeReason: reason })
      .where(eq(licenses.id, licenseId))
      .returning();
    await recordAudit(tx, auditActor(admin), {
      action: "rights.revoked",
      subjectType: "license",
      subjectId: licenseId,
      data: { code: license.code, reason },
    });
    const { title } = await titleOf(tx, license.submissionId);
    const emailId = await tellArtist(tx, "revoked", {
      userId: license.userId,
      title,
      license: revoked!,
      reason,
      appUrl: options.appUrl,
    });
    return { license: revoked!, emailIds: emailId ? [emailId] : [] };
  });
}
