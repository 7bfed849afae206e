// The authorization matrix: every route module under app/routes, what each kind of visitor gets
// from its loader and its action, and the world of data those checks run in. The authorization
// matrix test walks it; the input sweeps (NUL bytes, non-form bodies) post its forms.
import { randomUUID } from "node:crypto";
import type { Db } from "~/.server/db";
import { approveContribution, hoursInput, logHours } from "~/.server/money/contributions";
import { todayUtc } from "~/.server/money/dates";
import { createBatch } from "~/.server/money/payouts";
import { publishRateCard, rateCardInput, rateInForce } from "~/.server/money/rates";
import { submitClip, submitInput } from "~/.server/review/submissions";
import { newLicenseCode } from "~/.server/rights/requests";
import { licenses, rightsRequests, submissions, submissionVersions, type User } from "~db/schema";
import { acting, APP_URL, createUser, sessionCookieFor } from "./factories";
import { createFinishedClip } from "./generation";

/**
 * Every route × every kind of visitor, walked in full. A route file without an entry here fails
 * the first test, so each new route must state who may open it.
 */
export type Persona = "anonymous" | "artist" | "otherArtist" | "reviewer" | "admin" | "suspended";
export const personas: Persona[] = [
  "anonymous",
  "artist",
  "otherArtist",
  "reviewer",
  "admin",
  "suspended",
];

/** ok: 200 · login: redirect to /login · home: redirect elsewhere · forbidden: 403 · notFound: 404 · gone: 410 · invalid: 4xx form error (allowed to try) · done: 3xx after a permitted write */
export type Outcome =
  "ok" | "login" | "home" | "forbidden" | "notFound" | "gone" | "invalid" | "done";

export type World = {
  artist: User;
  otherArtist: User;
  reviewer: User;
  admin: User;
  suspended: User;
  /** A finished clip of `artist`, never submitted: only its owner may see it. */
  clipId: string;
  /** Another finished clip of `artist`, submitted for review (so reviewers may see it). */
  submittedClipId: string;
  /** `artist`'s pending submission of `submittedClipId`. */
  submissionId: string;
  /** `artist`'s valid license (with a master) on an approved submission of a third clip. */
  licenseId: string;
  licenseCode: string;
  /** A request of `artist` waiting for an admin. */
  pendingRequestId: string;
  /** Money routes only (see withMoney): a USD batch, not yet sent, paying `artist`'s hours. */
  batchId: string;
  /** Money routes only: hours `artist` logged that wait for an admin. */
  pendingContributionId: string;
};

export type Entry = {
  path: (w: World) => string;
  params?: (w: World) => Record<string, string>;
  loader?: Record<Persona, Outcome>;
  action?: {
    form: (w: World) => Record<string, string>;
    /** Sent as multipart/form-data (a file form), not urlencoded. */
    multipart?: boolean;
    expect: Record<Persona, Outcome>;
  };
};

const signedIn = (outcome: Outcome, elseOutcome: Outcome = "login"): Record<Persona, Outcome> => ({
  anonymous: elseOutcome,
  artist: outcome,
  otherArtist: outcome,
  reviewer: outcome,
  admin: outcome,
  suspended: elseOutcome,
});
/** Artists only, and only their own: another artist is told it does not exist. */
const ownerOnly = (owner: Outcome): Record<Persona, Outcome> => ({
  anonymous: "login",
  artist: owner,
  otherArtist: "notFound",
  reviewer: "forbidden",
  admin: "forbidden",
  suspended: "login",
});
/** The review side: reviewers and admins; artists are refused, whoever's work it is. */
const reviewersOnly = (outcome: Outcome): Record<Persona, Outcome> => ({
  anonymous: "login",
  artist: "forbidden",
  otherArtist: "forbidden",
  reviewer: outcome,
  admin: outcome,
  suspended: "login",
});
/** Any artist, each on their own data; the other roles are refused. */
const artistsOnly = (outcome: Outcome): Record<Persona, Outcome> => ({
  anonymous: "login",
  artist: outcome,
  otherArtist: outcome,
  reviewer: "forbidden",
  admin: "forbidden",
  suspended: "login",
});
const adminOnly = (adminOutcome: Outcome): Record<Persona, Outcome> => ({
  anonymous: "login",
  artist: "forbidden",
  otherArtist: "forbidden",
  reviewer: "forbidden",
  admin: adminOutcome,
  suspended: "login",
});
const everyone = (outcome: Outcome): Record<Persona, Outcome> => ({
  anonymous: outcome,
  artist: outcome,
  otherArtist: outcome,
  reviewer: outcome,
  admin: outcome,
  suspended: outcome,
});

/** A route file maps to one entry, or to several when who may do what depends on the data. */
export const matrix: Record<string, Entry | Entry[]> = {
  _index: { path: () => "/", loader: signedIn("ok") },
  $: {
    path: () => "/no/such/page",
    params: () => ({ "*": "no/such/page" }),
    loader: everyone("notFound"),
  },
  healthz: { path: () => "/healthz", loader: everyone("ok") },
  // Readiness tells nothing about anyone: every visitor gets the same answer.
  readyz: { path: () => "/readyz", loader: everyone("ok") },
  // The page benchmark's yardstick: static text, no loader and no action, open to everyone
  // (tests/e2e/security.spec.ts renders it signed out).
  "bench.baseline": { path: () => "/bench/baseline" },
  login: {
    path: () => "/login",
    loader: { ...signedIn("home", "ok") },
    action: { form: () => ({ email: "", password: "" }), expect: everyone("invalid") },
  },
  logout: {
    path: () => "/logout",
    loader: everyone("home"),
    action: { form: () => ({}), expect: everyone("login") },
  },
  "forgot-password": {
    path: () => "/forgot-password",
    loader: signedIn("home", "ok"),
    action: { form: () => ({ email: "" }), expect: everyone("invalid") },
  },
  "reset-password.$token": {
    path: () => "/reset-password/not-a-token",
    params: () => ({ token: "not-a-token" }),
    loader: everyone("gone"),
    action: {
      form: () => ({ password: "long enough pw", confirm: "long enough pw" }),
      expect: everyone("gone"),
    },
  },
  "invite.$token": {
    path: () => "/invite/not-a-token",
    params: () => ({ token: "not-a-token" }),
    loader: everyone("gone"),
    action: {
      form: () => ({ displayName: "X", password: "long enough pw", confirm: "long enough pw" }),
      expect: everyone("gone"),
    },
  },
  admin: { path: () => "/admin", loader: adminOnly("ok") },
  "admin._index": { path: () => "/admin", loader: adminOnly("ok") },
  "admin.people._index": { path: () => "/admin/people", loader: adminOnly("ok") },
  "admin.people.$userId": {
    path: (w) => `/admin/people/${w.artist.id}`,
    params: (w) => ({ userId: w.artist.id }),
    loader: adminOnly("ok"),
    action: { form: () => ({ intent: "suspend", reason: "" }), expect: adminOnly("invalid") },
  },
  "admin.invites": {
    path: () => "/admin/invites",
    loader: adminOnly("ok"),
    action: {
      form: () => ({ intent: "invite", email: "not an email", role: "artist" }),
      expect: adminOnly("invalid"),
    },
  },
  "admin.audit": { path: () => "/admin/audit", loader: adminOnly("ok") },
  "admin.audit[.csv]": { path: () => "/admin/audit.csv", loader: adminOnly("ok") },
  "admin.outbox": { path: () => "/admin/outbox", loader: adminOnly("ok") },
  "admin.models": {
    path: () => "/admin/models",
    loader: adminOnly("ok"),
    // A model without a name: only admins get as far as being told what is missing.
    action: {
      form: () => ({ intent: "create", provider: "openai", model: "sora-2", displayName: "" }),
      expect: adminOnly("invalid"),
    },
  },
  // Provider webhooks: no page, no session; a delivery without its signature headers is a 400.
  "webhooks.replicate": {
    path: () => "/webhooks/replicate",
    loader: everyone("notFound"),
    action: { form: () => ({ id: "x" }), expect: everyone("invalid") },
  },
  "webhooks.fal": {
    path: () => "/webhooks/fal",
    loader: everyone("notFound"),
    action: { form: () => ({ request_id: "x" }), expect: everyone("invalid") },
  },
  "admin.flags": {
    path: () => "/admin/flags",
    loader: adminOnly("ok"),
    // A dismissal without its note: only admins get as far as being told what is missing.
    action: {
      form: () => ({ intent: "dismiss", id: "no-such-flag", note: "" }),
      expect: adminOnly("invalid"),
    },
  },
  // The studio's live stream (issue 19): each artist's own; callRoute reads its first chunk.
  "studio.events": { path: () => "/studio/events", loader: artistsOnly("ok") },
  "admin.access": {
    path: () => "/admin/access",
    loader: adminOnly("ok"),
    // An answer without its seconds: only admins get as far as being told what is missing.
    action: {
      form: () => ({ intent: "answer", requestId: "no-such-request", grantedSeconds: "lots" }),
      expect: adminOnly("invalid"),
    },
  },
  "studio._index": {
    path: () => "/studio",
    loader: { ...ownerOnly("ok"), otherArtist: "ok" },
    action: {
      form: () => ({ prompt: "", durationSeconds: "5", resolution: "480p" }),
      expect: { ...ownerOnly("invalid"), otherArtist: "invalid" },
    },
  },
  "studio.clips.$clipId": [
    {
      path: (w) => `/studio/clips/${w.clipId}`,
      params: (w) => ({ clipId: w.clipId }),
      loader: ownerOnly("ok"),
      action: { form: () => ({ intent: "delete" }), expect: ownerOnly("home") },
    },
    // A submitted clip: its owner sees it but cannot delete it while it waits (409); to anyone
    // else it does not exist, whatever its state.
    {
      path: (w) => `/studio/clips/${w.submittedClipId}`,
      params: (w) => ({ clipId: w.submittedClipId }),
      loader: ownerOnly("ok"),
      action: { form: () => ({ intent: "delete" }), expect: ownerOnly("invalid") },
    },
    // Submitting: only the owner's own clip; for anyone else's, a complete form still finds nothing.
    {
      path: (w) => `/studio/clips/${w.clipId}`,
      params: (w) => ({ clipId: w.clipId }),
      action: {
        form: () => ({
          intent: "submit",
          title: "From the matrix",
          description: "A complete submit form.",
          intendedUse: "social",
          channels: "Instagram",
          agreeTerms: "on",
        }),
        expect: ownerOnly("home"),
      },
    },
  ],
  // Media: the owner always; reviewers and admins only once the clip is part of a submission the
  // artist has not withdrawn.
  "media.clips.$clipId.$kind": [
    {
      path: (w) => `/media/clips/${w.clipId}/video`,
      params: (w) => ({ clipId: w.clipId, kind: "video" }),
      loader: { ...ownerOnly("ok"), reviewer: "notFound", admin: "notFound" },
    },
    {
      path: (w) => `/media/clips/${w.submittedClipId}/video`,
      params: (w) => ({ clipId: w.submittedClipId, kind: "video" }),
      loader: { ...ownerOnly("ok"), reviewer: "ok", admin: "ok" },
    },
  ],
  "submissions._index": {
    path: () => "/submissions",
    // Every artist has a list of their own (empty for the other artist).
    loader: { ...ownerOnly("ok"), otherArtist: "ok" },
  },
  "submissions.$submissionId": [
    {
      path: (w) => `/submissions/${w.submissionId}`,
      params: (w) => ({ submissionId: w.submissionId }),
      loader: ownerOnly("ok"),
      action: {
        form: () => ({ intent: "withdraw", revision: "1" }),
        expect: ownerOnly("home"),
      },
    },
    {
      path: (w) => `/submissions/${w.submissionId}`,
      params: (w) => ({ submissionId: w.submissionId }),
      action: {
        form: (w) => ({ intent: "resubmit", clipId: w.clipId, revision: "1" }),
        // Not resubmittable while pending: the owner is told (409), others learn nothing.
        expect: ownerOnly("invalid"),
      },
    },
    {
      path: (w) => `/submissions/${w.submissionId}`,
      params: (w) => ({ submissionId: w.submissionId }),
      action: {
        // A thread of a comment that is not there: the owner and everyone else learn the same.
        form: () => ({ intent: "reply", commentId: "999999", body: "Thanks!" }),
        expect: ownerOnly("notFound"),
      },
    },
  ],
  // Comparing versions and exporting comments: the artist of their own, reviewers of any.
  "submissions.$submissionId_.compare": {
    path: (w) => `/submissions/${w.submissionId}/compare`,
    params: (w) => ({ submissionId: w.submissionId }),
    loader: ownerOnly("ok"),
  },
  "submissions.$submissionId_.export": {
    path: (w) => `/submissions/${w.submissionId}/export?format=csv`,
    params: (w) => ({ submissionId: w.submissionId }),
    loader: ownerOnly("ok"),
  },
  "review._index": { path: () => "/review", loader: reviewersOnly("ok") },
  "review.$submissionId_.compare": {
    path: (w) => `/review/${w.submissionId}/compare?a=1&b=2`,
    params: (w) => ({ submissionId: w.submissionId }),
    loader: reviewersOnly("ok"),
  },
  "review.$submissionId_.export": [
    {
      path: (w) => `/review/${w.submissionId}/export?format=edl&version=1`,
      params: (w) => ({ submissionId: w.submissionId }),
      loader: reviewersOnly("ok"),
    },
    {
      path: (w) => `/review/${w.submissionId}/export?format=avid&version=7`,
      params: (w) => ({ submissionId: w.submissionId }),
      loader: reviewersOnly("notFound"),
    },
  ],
  "review.$submissionId": [
    {
      path: (w) => `/review/${w.submissionId}`,
      params: (w) => ({ submissionId: w.submissionId }),
      loader: reviewersOnly("ok"),
      // Renewing only extends one's own claim; nobody holds this one.
      action: { form: () => ({ intent: "renew" }), expect: reviewersOnly("invalid") },
    },
    // Opening the page claims nothing (a GET); the page posts the claim, which only the review
    // side may make.
    {
      path: (w) => `/review/${w.submissionId}`,
      params: (w) => ({ submissionId: w.submissionId }),
      action: { form: () => ({ intent: "claim" }), expect: reviewersOnly("home") },
    },
    {
      path: (w) => `/review/${w.submissionId}`,
      params: (w) => ({ submissionId: w.submissionId }),
      action: {
        form: () => ({ intent: "comment", frame: "24", body: "", version: "1" }),
        expect: reviewersOnly("invalid"),
      },
    },
    {
      path: (w) => `/review/${w.submissionId}`,
      params: (w) => ({ submissionId: w.submissionId }),
      // Threads need no claim; this one's comment is not there.
      action: {
        form: () => ({ intent: "resolve", commentId: "999999" }),
        expect: reviewersOnly("notFound"),
      },
    },
    {
      path: () => "/review/no-such-submission",
      params: () => ({ submissionId: "no-such-submission" }),
      loader: reviewersOnly("notFound"),
      action: { form: () => ({ intent: "renew" }), expect: reviewersOnly("notFound") },
    },
  ],
  "rights._index": {
    path: () => "/rights",
    loader: artistsOnly("ok"),
    // An empty form: each artist may try, and is told what is missing.
    action: { form: () => ({}), expect: artistsOnly("invalid") },
  },
  "admin.rights": {
    path: () => "/admin/rights",
    loader: adminOnly("ok"),
    action: {
      form: (w) => ({ intent: "deny", id: w.pendingRequestId, reason: "" }),
      expect: adminOnly("invalid"),
    },
  },
  "rights.licenses.$licenseId.master": {
    path: (w) => `/rights/licenses/${w.licenseId}/master`,
    params: (w) => ({ licenseId: w.licenseId }),
    loader: ownerOnly("ok"),
  },
  // Public and signed out: the same facts for everyone, and the same 404 for unknown codes.
  "verify.$code": [
    {
      path: (w) => `/verify/${w.licenseCode}`,
      params: (w) => ({ code: w.licenseCode }),
      loader: everyone("ok"),
    },
    {
      path: () => "/verify/GR-0000-0000",
      params: () => ({ code: "GR-0000-0000" }),
      loader: everyone("notFound"),
    },
  ],
  "verify.$code.$kind": {
    path: (w) => `/verify/${w.licenseCode}/poster`,
    params: (w) => ({ code: w.licenseCode, kind: "poster" }),
    loader: everyone("ok"),
  },
  "api.verify.$code": {
    path: (w) => `/api/verify/${w.licenseCode}`,
    params: (w) => ({ code: w.licenseCode }),
    loader: everyone("ok"),
  },
  provenance: {
    path: () => "/provenance",
    loader: signedIn("ok"),
    // A file form with no file chosen: everyone signed in may try, and is told to choose one.
    action: { form: () => ({ file: "" }), multipart: true, expect: signedIn("invalid") },
  },
  notifications: {
    path: () => "/notifications",
    loader: signedIn("ok"),
    action: { form: () => ({ intent: "read-all" }), expect: signedIn("home") },
  },
  // Each person's own email choices. The reviewers' digest is theirs to turn off; an artist who
  // posts it is told it is not on offer (422).
  "settings.notifications": {
    path: () => "/settings/notifications",
    loader: signedIn("ok"),
    action: {
      form: () => ({ intent: "save", email: "overdue_digest" }),
      expect: { ...signedIn("invalid"), reviewer: "home", admin: "home" },
    },
  },
  // Each person remembers their own browser's time zone; a name no zone has is refused.
  "settings.time-zone": [
    {
      path: () => "/settings/time-zone",
      action: { form: () => ({ timeZone: "Europe/Paris" }), expect: signedIn("ok") },
    },
    {
      path: () => "/settings/time-zone",
      action: { form: () => ({ timeZone: "Mars/Olympus_Mons" }), expect: signedIn("invalid") },
    },
  ],
  // Money: artists see and log only their own; reviewers never see money; admins run it.
  "earnings._index": {
    path: () => "/earnings",
    loader: artistsOnly("ok"),
    // An empty hours form: each artist may try, and is told what is missing.
    action: {
      form: () => ({ intent: "log-hours", occurredOn: "", hours: "", notes: "" }),
      expect: artistsOnly("invalid"),
    },
  },
  "admin.money._index": [
    {
      path: () => "/admin/money",
      loader: adminOnly("ok"),
      action: {
        form: (w) => ({ intent: "reject-contribution", id: w.pendingContributionId, reason: "" }),
        expect: adminOnly("invalid"),
      },
    },
    {
      path: () => "/admin/money",
      action: {
        form: (w) => ({ intent: "approve-contribution", id: w.pendingContributionId }),
        expect: adminOnly("home"),
      },
    },
  ],
  "admin.money.payouts._index": [
    {
      path: () => "/admin/money/payouts",
      loader: adminOnly("ok"),
      action: {
        form: () => ({ currency: "USD", batchKey: "not-a-key" }),
        expect: adminOnly("invalid"),
      },
    },
    {
      path: () => "/admin/money/payouts?currency=EUR",
      loader: adminOnly("ok"),
      // Nobody is owed euros: the admin is told so (409), nothing is made.
      action: {
        form: () => ({
          currency: "EUR",
          batchKey: randomUUID(),
          payees: "0",
          totalMinor: "0",
          through: "0",
        }),
        expect: adminOnly("invalid"),
      },
    },
    {
      // Leaving an artist out of the next batch (the draft): a change only an admin makes.
      path: () => "/admin/money/payouts?currency=USD",
      loader: adminOnly("ok"),
      action: {
        form: (w) => ({ intent: "exclude", currency: "USD", userId: w.artist.id }),
        expect: adminOnly("home"),
      },
    },
  ],
  "admin.money.payouts.$batchId": [
    {
      path: (w) => `/admin/money/payouts/${w.batchId}`,
      params: (w) => ({ batchId: w.batchId }),
      loader: adminOnly("ok"),
      action: { form: () => ({ intent: "mark-all-sent" }), expect: adminOnly("home") },
    },
    {
      path: () => "/admin/money/payouts/no-such-batch",
      params: () => ({ batchId: "no-such-batch" }),
      loader: adminOnly("notFound"),
      action: { form: () => ({ intent: "mark-all-sent" }), expect: adminOnly("notFound") },
    },
  ],
  "admin.money.payouts.$batchId.csv": [
    {
      path: (w) => `/admin/money/payouts/${w.batchId}/csv`,
      params: (w) => ({ batchId: w.batchId }),
      loader: adminOnly("ok"),
    },
    {
      path: () => "/admin/money/payouts/no-such-batch/csv",
      params: () => ({ batchId: "no-such-batch" }),
      loader: adminOnly("notFound"),
    },
  ],
  "admin.money.ledger[.csv]": [
    {
      path: () => "/admin/money/ledger.csv?from=2020-01-01&to=2099-12-31",
      loader: adminOnly("ok"),
    },
    // A malformed period is the admin's to fix: only an admin is sent back to the export form,
    // told why.
    {
      path: () => "/admin/money/ledger.csv?from=2026-02-30&to=nope",
      loader: adminOnly("home"),
    },
  ],
  "admin.money.rates": {
    path: () => "/admin/money/rates",
    loader: adminOnly("ok"),
    action: { form: () => ({ intent: "publish" }), expect: adminOnly("invalid") },
  },
  "admin.money.grants": {
    path: () => "/admin/money/grants",
    loader: adminOnly("ok"),
    action: { form: () => ({ intent: "award" }), expect: adminOnly("invalid") },
  },
  "admin.money.promotions": {
    path: () => "/admin/money/promotions",
    loader: adminOnly("ok"),
    action: { form: () => ({ intent: "ask" }), expect: adminOnly("invalid") },
  },
  "admin.money.artists.$userId": [
    {
      path: (w) => `/admin/money/artists/${w.artist.id}`,
      params: (w) => ({ userId: w.artist.id }),
      loader: adminOnly("ok"),
      action: {
        form: () => ({ intent: "currency", currency: "XYZ" }),
        expect: adminOnly("invalid"),
      },
    },
    // Only artists have a statement: anyone else's id is not found, to read or to change.
    {
      path: (w) => `/admin/money/artists/${w.reviewer.id}`,
      params: (w) => ({ userId: w.reviewer.id }),
      loader: adminOnly("notFound"),
      action: {
        form: () => ({ intent: "currency", currency: "EUR" }),
        expect: adminOnly("notFound"),
      },
    },
  ],
};

export async function world(db: Db): Promise<World> {
  const [artist, otherArtist, reviewer, admin, suspended] = await Promise.all([
    createUser(db, { role: "artist" }),
    createUser(db, { role: "artist" }),
    createUser(db, { role: "reviewer" }),
    createUser(db, { role: "admin" }),
    createUser(db, { role: "artist" }),
  ]);
  const { clip } = await createFinishedClip(db, artist!);
  const { clip: submittedClip } = await createFinishedClip(db, artist!);
  const submission = await submitClip(
    db,
    acting(artist!),
    submitInput.parse({
      clipId: submittedClip.id,
      title: "Matrix submission",
      description: "Submitted so the review routes have something to show.",
      intendedUse: "portfolio",
      channels: ["Vimeo"],
      agreeTerms: "on",
    }),
  );
  // A third clip, approved, with a valid license that allows a master, and a request waiting.
  const { clip: licensedClip } = await createFinishedClip(db, artist!);
  const [approved] = await db
    .insert(submissions)
    .values({
      userId: artist!.id,
      title: "Matrix approved",
      description: "Approved and licensed.",
      intendedUse: "portfolio",
      channels: ["Vimeo"],
      state: "approved",
      approvalsNeeded: 1,
      termsAcceptedAt: new Date(),
      decidedAt: new Date(),
    })
    .returning();
  await db
    .insert(submissionVersions)
    .values({ submissionId: approved!.id, number: 1, clipId: licensedClip.id });
  const terms = {
    submissionId: approved!.id,
    userId: artist!.id,
    platforms: ["Vimeo"],
    commercial: false,
    worldwide: true,
    countries: [],
    termStart: "2026-01-01",
    termEnd: null,
    creditLine: "Matrix",
  };
  const [granted] = await db
    .insert(rightsRequests)
    .values({ ...terms, masterNeeded: true, masterReason: "Reel", state: "granted" })
    .returning();
  const [license] = await db
    .insert(licenses)
    .values({
      ...terms,
      code: newLicenseCode(),
      requestId: granted!.id,
      clipId: licensedClip.id,
      masterAllowed: true,
      grantedBy: admin!.id,
    })
    .returning();
  const [pending] = await db
    .insert(rightsRequests)
    .values({ ...terms, masterNeeded: false })
    .returning();
  return {
    licenseId: license!.id,
    licenseCode: license!.code,
    pendingRequestId: pending!.id,
    artist: artist!,
    otherArtist: otherArtist!,
    reviewer: reviewer!,
    admin: admin!,
    suspended: suspended!,
    clipId: clip.id,
    submittedClipId: submittedClip.id,
    submissionId: submission.id,
    batchId: "",
    pendingContributionId: "",
  };
}

/**
 * The money a world needs for the money routes (only for those: it costs a few queries per check):
 * a USD card in force (the worlds of one test share the database), `artist`'s approved hours in a
 * batch not yet sent, and more hours waiting for an admin.
 */
export async function withMoney(db: Db, w: World): Promise<World> {
  const boss = acting(w.admin);
  if (!(await rateInForce(db, "USD", todayUtc())))
    await publishRateCard(
      db,
      boss,
      rateCardInput.parse({
        currency: "USD",
        effectiveFrom: "2020-01-01",
        hourlyMinor: "40.00",
        feedbackReportMinor: "25.00",
        promoClipMinor: "150.00",
        stipendMonthlyMinor: "200.00",
      }),
    );
  const hours = (h: string) =>
    logHours(
      db,
      acting(w.artist),
      hoursInput.parse({ occurredOn: todayUtc(), hours: h, notes: "Matrix testing session." }),
    );
  const worked = await hours("2");
  await approveContribution(db, boss, worked.id, { appUrl: APP_URL });
  const { batch } = await createBatch(db, boss, {
    currency: "USD",
    batchKey: randomUUID(),
    userIds: [w.artist.id],
  });
  const waiting = await hours("1");
  return { ...w, batchId: batch.id, pendingContributionId: waiting.id };
}

export const isMoneyRoute = (route: string) => /^(admin\.money|earnings)[._]/.test(route);

export async function cookies(db: Db, w: World): Promise<Record<Persona, string | undefined>> {
  const suspendedCookie = await sessionCookieFor(db, w.suspended);
  // Suspend the way the product does, so the cookie is one whose session was ended.
  const { suspendUser } = await import("~/.server/access/people");
  await suspendUser(db, { ...w.admin, ip: null, userAgent: null }, w.suspended.id, "matrix test");
  return {
    anonymous: undefined,
    artist: await sessionCookieFor(db, w.artist),
    otherArtist: await sessionCookieFor(db, w.otherArtist),
    reviewer: await sessionCookieFor(db, w.reviewer),
    admin: await sessionCookieFor(db, w.admin),
    suspended: suspendedCookie,
  };
}

export function outcomeOf(res: { status: number; headers: Headers }): Outcome {
  if (res.status >= 300 && res.status < 400) {
    return (res.headers.get("location") ?? "").startsWith("/login") ? "login" : "home";
  }
  if (res.status === 200) return "ok";
  if (res.status === 403) return "forbidden";
  if (res.status === 404) return "notFound";
  if (res.status === 410) return "gone";
  if (res.status === 400 || res.status === 409 || res.status === 413 || res.status === 422)
    return "invalid";
  return `status ${res.status}` as Outcome;
}

/** The body an entry's action is sent: urlencoded, or multipart for a file form. */
export function formOf(action: NonNullable<Entry["action"]>, w: World) {
  const fields = action.form(w);
  if (!action.multipart) return fields;
  const form = new FormData();
  // An empty file part is what a browser sends when no file was chosen.
  for (const [name, value] of Object.entries(fields))
    if (name === "file") form.append(name, new Blob([]), value);
    else form.append(name, value);
  return form;
}
