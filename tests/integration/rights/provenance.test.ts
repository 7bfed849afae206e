import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runFfmpeg } from "~/.server/generation/media";
import { generateIdentityFiles, identityFrom } from "~/.server/c2pa/certificates";
import { TRAINED_ALGORITHMIC_MEDIA } from "~/.server/c2pa/manifest";
import { PROVENANCE_TAG, type SignedProvenance } from "~/.server/generation/provenance";
import { renderLocalClip } from "~/.server/generation/providers/local-renderer";
import {
  checkUploadedFile,
  provenanceUpload,
  MAX_UPLOAD_BYTES,
  PROVENANCE_CHECK_LIMIT,
  type ProvenanceReport,
  type ValidReport,
} from "~/.server/rights/provenance-check";
import { submitClip, submitInput } from "~/.server/review/submissions";
import { action, loader } from "~/routes/provenance/route";
import {
  clips,
  licenses,
  reviewDecisions,
  rightsRequests,
  submissions,
  type Clip,
  type User,
} from "~db/schema";
import { withUpload } from "~/.server/uploads";
import { useTestDatabase } from "../../support/db";
import {
  acting,
  APP_URL,
  callRoute,
  createUser,
  makeRequest,
  sessionCookieFor,
  testProvenance,
} from "../../support/factories";
import { createFinishedClip } from "../../support/generation";
import {
  graft,
  reencode,
  renderAndSeal,
  repackage,
  signedBy,
  withOneByteFlipped,
} from "../../support/provenance";

const t = useTestDatabase();

// Rendered clips live here; uploads go to the system temporary directory, which for this file is
// a folder of its own, so "nothing is left behind" can be checked exactly.
const work = mkdtempSync(path.join(os.tmpdir(), "greenroom-provenance-work-"));
const uploads = mkdtempSync(path.join(os.tmpdir(), "greenroom-provenance-uploads-"));
let unsignedClip = "";
let n = 0;

beforeAll(async () => {
  const rendered = await renderLocalClip(
    {
      prompt: "A lighthouse at dusk",
      seed: 3,
      style: "none",
      durationSeconds: 1,
      resolution: "480p",
      aspectRatio: "16:9",
      watermark: "GREENROOM · test",
    },
    path.join(work, "base"),
  );
  unsignedClip = rendered.videoPath;
});

afterEach(() => {
  // Whatever the request did, its temporary folder is gone.
  expect(readdirSync(uploads)).toEqual([]);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(uploads, { recursive: true, force: true });
});

/** Runs `fn` with the system temporary directory pointing at `uploads`. */
async function inUploads<T>(fn: () => Promise<T>): Promise<T> {
  vi.stubEnv("TMPDIR", uploads);
  try {
    expect(os.tmpdir()).toBe(uploads);
    return await fn();
  } finally {
    vi.unstubAllEnvs();
  }
}

/** Calls the route's action the way Remix would, uploads landing in `uploads`. */
const post = (request: Request) => inUploads(() => callRoute(t.db, action, request));

type Failure = { ok: false; errors: Record<string, string> };
type Success = { ok: true; report: ProvenanceReport };

function uploadRequest(
  cookie: string | undefined,
  file: { bytes: Uint8Array; name?: string; type?: string } | null,
  extra: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [key, value] of Object.entries(extra)) form.append(key, value);
  if (file)
    form.append(
      "file",
      new File([new Uint8Array(file.bytes)], file.name ?? "clip.mp4", {
        type: file.type ?? "video/mp4",
      }),
    );
  return makeRequest("/provenance", { cookie, form });
}

async function upload(
  user: User | null,
  file: { bytes: Uint8Array; name?: string; type?: string } | null,
) {
  const cookie = user ? await sessionCookieFor(t.db, user) : undefined;
  return post(uploadRequest(cookie, file));
}

async function report(user: User, file: string) {
  const res = await upload(user, { bytes: readFileSync(file) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as Success).report;
}

async function valid(user: User, file: string) {
  const r = await report(user, file);
  expect(r.status).toBe("valid");
  return r as ValidReport;
}

/** A copy of `source` whose provenance tag is `value`. */
async function withTag(source: string, value: string) {
  const out = path.join(work, `tagged-${++n}.mp4`);
  await runFfmpeg([
    "-y",
    "-i",
    source,
    "-c",
    "copy",
    "-movflags",
    "+faststart+use_metadata_tags",
    "-metadata",
    `${PROVENANCE_TAG}=${value}`,
    out,
  ]);
  return out;
}

const provenanceOf = (clip: Clip) => clip.provenance as SignedProvenance;

/**
 * Renders and seals the clip as the runner would (its record, its Content Credentials), and makes
 * the clip's row say what the file is, as the runner's would. Returns the sealed file.
 */
async function renderSigned(
  clip: Clip,
  options: { licenseCode?: string; keys?: typeof testProvenance; clipId?: string } = {},
) {
  const sealed = await renderAndSeal({
    dir: path.join(work, `clip-${++n}`),
    clipId: options.clipId ?? clip.id,
    accountId: clip.userId,
    watermark: options.licenseCode ? null : undefined,
    licenseCode: options.licenseCode,
    keys: options.keys,
  });
  if (!options.licenseCode && !options.keys && !options.clipId)
    await t.db
      .update(clips)
      .set({
        provenance: sealed.provenance,
        width: sealed.probe.width,
        height: sealed.probe.height,
        durationSeconds: sealed.probe.durationSeconds,
      })
      .where(eq(clips.id, clip.id));
  return sealed.videoPath;
}

/** Someone else's C2PA identity: their own CA and signing certificate, nothing of ours. */
const strangerIdentity = () =>
  identityFrom(generateIdentityFiles("Look-alike Studio"), "generated");

async function people() {
  const [artist, other, reviewer, admin] = await Promise.all([
    createUser(t.db, { role: "artist", displayName: "Ada Artist" }),
    createUser(t.db, { role: "artist", displayName: "Otto Other" }),
    createUser(t.db, { role: "reviewer" }),
    createUser(t.db, { role: "admin" }),
  ]);
  return { artist: artist!, other: other!, reviewer: reviewer!, admin: admin! };
}

async function approvedSubmission(artist: User, reviewer: User, clipId: string) {
  const submission = await submitClip(
    t.db,
    acting(artist),
    submitInput.parse({
      clipId,
      title: "Lighthouse reel",
      description: "Dusk at the lighthouse.",
      intendedUse: "social",
      channels: ["Instagram"],
      agreeTerms: "on",
    }),
  );
  await t.db.insert(reviewDecisions).values({
    submissionId: submission.id,
    versionNumber: 1,
    reviewerId: reviewer.id,
    decision: "approve",
  });
  await t.db
    .update(submissions)
    .set({ state: "approved", decidedAt: new Date() })
    .where(eq(submissions.id, submission.id));
  return submission;
}

async function grantLicense(
  artist: User,
  admin: User,
  submissionId: string,
  clipId: string,
  code: string,
  options: { revoked?: boolean } = {},
) {
  const terms = {
    platforms: ["Instagram", "Vimeo"],
    commercial: false,
    worldwide: false,
    countries: ["FR", "DE"],
    termStart: "2026-01-01",
    termEnd: null,
    creditLine: "Ada Artist / Greenroom",
  };
  const [request] = await t.db
    .insert(rightsRequests)
    .values({
      submissionId,
      userId: artist.id,
      ...terms,
      masterNeeded: false,
      state: "granted",
      decidedBy: admin.id,
      decidedAt: new Date(),
    })
    .returning();
  await t.db.insert(licenses).values({
    code,
    requestId: request!.id,
    submissionId,
    clipId,
    userId: artist.id,
    ...terms,
    masterAllowed: true,
    grantedBy: admin.id,
    revokedAt: options.revoked ? new Date() : null,
    revokedBy: options.revoked ? admin.id : null,
    revokeReason: options.revoked ? "Test revocation" : null,
  });
}

describe("the provenance page", () => {
  it("shows the upload form with its limit to anyone signed in; signed out goes to /login", async () => {
    const { artist } = await people();
    const page = await callRoute(
      t.db,
      loader,
      makeRequest("/provenance", { cookie: await sessionCookieFor(t.db, artist) }),
    );
    expect(page.status).toBe(200);
    expect(page.body).toEqual({ maxBytes: MAX_UPLOAD_BYTES, maxLabel: "200 MB" });

    const signedOut = await callRoute(t.db, loader, makeRequest("/provenance"));
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toBe("/login?redirectTo=%2Fprovenance");

    const post = await upload(null, { bytes: readFileSync(unsignedClip) });
    expect(post.status).toBe(302);
    expect(post.headers.get("location")).toMatch(/^\/login/);
  });
});

describe("checking a file", () => {
  it("finds a real rendered clip valid: never submitted, no licenses, the account to its artist and admins only", async () => {
    const { artist, other, reviewer, admin } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const file = await renderSigned(clip);
    const [sealedRow] = await t.db.select().from(clips).where(eq(clips.id, clip.id));

    const own = await valid(artist, file);
    expect(own).toMatchObject({
      credentials: "signed",
      clip: {
        id: clip.id,
        createdAt: provenanceOf(sealedRow!).createdAt,
        provider: "local",
        model: "greenroom-stand-in-v1",
        deletedFromStudio: false,
        width: 854,
        height: 480,
      },
      master: null,
      own: true,
      artist: { displayName: "Ada Artist", email: artist.email },
      approval: "never_submitted",
      submissions: [],
      licenses: [],
    });

    for (const viewer of [other, reviewer]) {
      const seen = await valid(viewer, file);
      expect(seen.own).toBe(false);
      expect(seen.artist).toBeNull();
      expect(JSON.stringify(seen)).not.toContain(artist.email);
      expect(JSON.stringify(seen)).not.toContain("Ada Artist");
    }
    expect((await valid(admin, file)).artist).toEqual({
      displayName: "Ada Artist",
      email: artist.email,
    });
  });

  it("shows the approval and the licenses once the clip is submitted, approved and licensed", async () => {
    const { artist, other, reviewer, admin } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const file = await renderSigned(clip);

    const submission = await submitClip(
      t.db,
      acting(artist),
      submitInput.parse({
        clipId: clip.id,
        title: "Lighthouse reel",
        description: "Dusk at the lighthouse.",
        intendedUse: "social",
        channels: ["Instagram"],
        agreeTerms: "on",
      }),
    );
    const waiting = await valid(other, file);
    expect(waiting.approval).toBe("pending");
    expect(waiting.submissions).toEqual([
      expect.objectContaining({ state: "pending", title: null, link: null, version: 1 }),
    ]);

    await t.db.insert(reviewDecisions).values({
      submissionId: submission.id,
      versionNumber: 1,
      reviewerId: reviewer.id,
      decision: "approve",
    });
    await t.db
      .update(submissions)
      .set({ state: "approved", decidedAt: new Date() })
      .where(eq(submissions.id, submission.id));
    await grantLicense(artist, admin, submission.id, clip.id, "GR-7K3M-9QXT");
    await grantLicense(artist, admin, submission.id, clip.id, "GR-ABCD-EF12", { revoked: true });

    const seen = await valid(other, file);
    expect(seen.approval).toBe("approved");
    expect(seen.submissions).toEqual([
      expect.objectContaining({
        state: "approved",
        intendedUse: "social",
        approvals: 1,
        approvalsNeeded: 1,
        title: null,
      }),
    ]);
    expect(seen.licenses).toHaveLength(2);
    expect(seen.licenses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: "GR-7K3M-9QXT",
          status: "valid",
          statusLabel: "Valid",
          scope: expect.stringMatching(/Instagram, Vimeo · non-commercial · France, Germany/),
        }),
        expect.objectContaining({ code: "GR-ABCD-EF12", status: "revoked" }),
      ]),
    );
    expect(seen.artist).toBeNull();

    // The review side may open the submission; its artist too, from their own pages.
    expect((await valid(reviewer, file)).submissions[0]).toMatchObject({
      title: "Lighthouse reel",
      link: `/review/${submission.id}`,
    });
    expect((await valid(artist, file)).submissions[0]).toMatchObject({
      link: `/submissions/${submission.id}`,
    });
  });

  it("names the license a watermark-free master was released under", async () => {
    const { artist, reviewer, admin } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    await renderSigned(clip);
    const submission = await approvedSubmission(artist, reviewer, clip.id);
    await grantLicense(artist, admin, submission.id, clip.id, "GR-MAST-3R00");
    const master = await renderSigned(clip, { licenseCode: "GR-MAST-3R00" });
    const seen = await valid(admin, master);
    expect(seen.master).toEqual({
      code: "GR-MAST-3R00",
      license: expect.objectContaining({ code: "GR-MAST-3R00", status: "valid" }),
    });
  });
});

describe("files that are not what they claim", () => {
  it("finds one byte changed inside the coded video altered", async () => {
    const { artist } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const signed = await renderSigned(clip);
    const flipped = await withOneByteFlipped(signed, path.join(work, `flipped-${++n}.mp4`));
    expect(await report(artist, flipped)).toEqual({
      status: "altered",
      clipId: clip.id,
      reason: expect.stringMatching(/no longer match/),
    });
  });

  it("finds the clip's record grafted onto another video not valid (the reported attack)", async () => {
    const { artist } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const signed = await renderSigned(clip);
    const grafted = await graft(unsignedClip, signed, path.join(work, `grafted-${++n}.mp4`));
    expect(await report(artist, grafted)).toEqual({ status: "grafted", clipId: clip.id });
  });

  it("finds a re-encoded copy unsigned: nothing vouches for it any more", async () => {
    const { artist } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const signed = await renderSigned(clip);
    const copy = await reencode(signed, path.join(work, `reencoded-${++n}.mp4`));
    expect(await report(artist, copy)).toEqual({ status: "unsigned" });
    expect(await report(artist, unsignedClip)).toEqual({ status: "unsigned" });
  });

  it("still knows a re-packaged copy whose coded video is untouched, and says so", async () => {
    const { artist } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const signed = await renderSigned(clip);
    const copy = await repackage(signed, path.join(work, `repackaged-${++n}.mp4`));
    const seen = await valid(artist, copy);
    expect(seen).toMatchObject({ credentials: "repackaged", clip: { id: clip.id } });
  });

  it("finds credentials signed with another key forged, even naming a real clip", async () => {
    const { artist } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const signed = await renderSigned(clip);
    // A look-alike: the same manifest, the same clip, signed by someone else's certificate.
    const foreignKeys = { secret: testProvenance.secret, identity: strangerIdentity() };
    const forged = await renderSigned(clip, { keys: foreignKeys });
    expect(await report(artist, forged)).toEqual({
      status: "forged",
      clipId: clip.id,
      signer: expect.stringContaining("Look-alike Studio"),
      reason: expect.stringMatching(/signed by someone else/),
    });
    expect(await report(artist, signed)).toMatchObject({ status: "valid" });
  });

  it("finds an edited record, or a garbled one, forged", async () => {
    const { artist } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const signed = await renderSigned(clip);
    const [row] = await t.db.select().from(clips).where(eq(clips.id, clip.id));
    // Rewriting the metadata is a remux: the Content Credentials go, the edited record stays.
    const edited = { ...provenanceOf(row!), accountRef: "0".repeat(32) };
    expect(await report(artist, await withTag(signed, JSON.stringify(edited)))).toEqual({
      status: "forged",
      clipId: null,
      signer: null,
      reason: expect.stringMatching(/signature does not match/),
    });
    expect(await report(artist, await withTag(unsignedClip, "{not json"))).toEqual({
      status: "forged",
      clipId: null,
      signer: null,
      reason: expect.stringMatching(/not readable/),
    });
  });

  it("puts another producer's Content Credentials into words, and does not call them ours", async () => {
    const { artist } = await people();
    const stranger = strangerIdentity();
    const manifest = {
      claim_generator_info: [{ name: "Adobe Firefly", version: "2.3" }],
      title: "beach.mp4",
      format: "video/mp4",
      assertions: [
        {
          label: "c2pa.actions.v2",
          data: {
            actions: [
              {
                action: "c2pa.created",
                digitalSourceType: TRAINED_ALGORITHMIC_MEDIA,
                softwareAgent: { name: "Firefly Video" },
              },
              { action: "c2pa.cropped" },
            ],
          },
        },
      ],
    };
    const theirs = await signedBy(
      stranger,
      unsignedClip,
      path.join(work, `other-${++n}.mp4`),
      manifest,
    );
    expect(await report(artist, theirs)).toEqual({
      status: "other",
      generator: "Adobe Firefly 2.3",
      signer: expect.stringContaining("Look-alike Studio"),
      intact: true,
      actions: "generated by an AI model (Firefly Video), then cropped",
      aiGenerated: true,
    });
  });

  it("knows our older records (before content binding) and will not vouch for the picture", async () => {
    const { artist } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const { createHmac } = await import("node:crypto");
    const legacy = {
      v: 1,
      clipId: clip.id,
      accountId: artist.id,
      provider: "local",
      model: "greenroom-stand-in-v1",
      promptSha256: "0".repeat(64),
      createdAt: new Date().toISOString(),
    };
    const hmac = createHmac("sha256", testProvenance.secret)
      .update(
        JSON.stringify([
          1,
          legacy.clipId,
          legacy.accountId,
          legacy.provider,
          legacy.model,
          legacy.promptSha256,
          legacy.createdAt,
          null,
        ]),
      )
      .digest("hex");
    const old = await withTag(unsignedClip, JSON.stringify({ ...legacy, hmac }));
    expect(await report(artist, old)).toEqual({ status: "legacy", clipId: clip.id });
  });

  it("says when a clip signed by us is not in our records", async () => {
    const { artist } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const unknownId = randomUUID();
    const file = await renderSigned(clip, { clipId: unknownId });
    expect(await report(artist, file)).toEqual({ status: "foreign", clipId: unknownId });
  });

  it("refuses to vouch for a signed file whose picture is not the clip's size", async () => {
    const { artist } = await people();
    const { clip } = await createFinishedClip(t.db, artist);
    const signed = await renderSigned(clip);
    await t.db.update(clips).set({ width: 1280, height: 720 }).where(eq(clips.id, clip.id));
    expect(await report(artist, signed)).toEqual({
      status: "altered",
      clipId: clip.id,
      reason: expect.stringMatching(/854×480 .* but the clip is 1280×720/),
    });
  });
});

describe("files that cannot be checked", () => {
  it("answers garbage, empty, truncated, mislabelled and missing files with a 4xx and a message", async () => {
    const { artist } = await people();
    const real = readFileSync(unsignedClip);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      randomBytes(2000),
    ]);
    // An 'ftyp' box and then noise: the right first bytes are not enough.
    const fakeHeader = Buffer.concat([real.subarray(0, 32), randomBytes(50_000)]);
    const cases: [string, Parameters<typeof upload>[1], number, RegExp][] = [
      ["random bytes", { bytes: randomBytes(100_000) }, 422, /not an MP4/],
      ["an empty file", { bytes: new Uint8Array(0) }, 422, /empty/],
      ["the first 2 KB of a real clip", { bytes: real.subarray(0, 2048) }, 422, /not a video/],
      ["the clip without its last byte", { bytes: real.subarray(0, -1) }, 422, /not a video/],
      ["an MP4 header then noise", { bytes: fakeHeader }, 422, /not a video we can read/],
      ["a PNG named .mp4", { bytes: png, name: "clip.mp4" }, 422, /not an MP4/],
      ["text named .mp4", { bytes: Buffer.from("hello, I am a video"), name: "x.mp4" }, 422, /MP4/],
      ["three bytes", { bytes: Buffer.from("abc") }, 422, /not an MP4/],
      ["no file at all", null, 400, /Choose an MP4 file/],
      ["no file chosen", { bytes: new Uint8Array(0), name: "", type: "" }, 400, /Choose/],
    ];
    for (const [what, file, status, message] of cases) {
      const res = await upload(artist, file);
      expect(res.status, what).toBe(status);
      expect((res.body as Failure).errors.file, what).toMatch(message);
      expect(readdirSync(uploads), what).toEqual([]);
    }
  });

  it("refuses a body that is not a file form, or that stops half way", async () => {
    const { artist } = await people();
    const cookie = await sessionCookieFor(t.db, artist);
    const plain = await post(makeRequest("/provenance", { cookie, form: { file: "clip.mp4" } }));
    expect(plain.status).toBe(415);
    expect((plain.body as Failure).errors.form).toMatch(/takes a form with a file/);

    const boundary = "----greenroom-test-boundary";
    const cut = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    const halfway = await post(
      new Request(`${APP_URL}/provenance`, {
        method: "POST",
        headers: {
          cookie,
          origin: APP_URL,
          "content-type": `multipart/form-data; boundary=${boundary}`,
        },
        body: Buffer.concat([cut, readFileSync(unsignedClip).subarray(0, 5000)]),
      }),
    );
    expect(halfway.status).toBe(400);
    expect((halfway.body as Failure).errors.file).toMatch(/incomplete/);

    const extraFields = await post(uploadRequest(cookie, null, { note: "x".repeat(20_000) }));
    expect(extraFields.status).toBe(400);
  });

  it("refuses a file over the limit with 413: by its declared length, and while it streams", async () => {
    const { artist } = await people();
    const cookie = await sessionCookieFor(t.db, artist);
    const header = readFileSync(unsignedClip).subarray(0, 32);

    // The declared length alone is enough: nothing is read.
    const declared = await post(
      new Request(`${APP_URL}/provenance`, {
        method: "POST",
        headers: {
          cookie,
          origin: APP_URL,
          "content-type": "multipart/form-data; boundary=x",
          "content-length": String(MAX_UPLOAD_BYTES * 2),
        },
        body: "--x--",
      }),
    );
    expect(declared.status).toBe(413);
    expect((declared.body as Failure).errors.file).toMatch(/larger than 200 MB/);

    // Without a length (chunked), counting stops it as it streams: here with a 1 MB limit, a
    // file that starts like an MP4 and goes on for 4 MB, generated as it is read.
    const boundary = "----greenroom-big";
    const encoder = new TextEncoder();
    const chunk = new Uint8Array(64 * 1024);
    const chunks = 64;
    let sent = 0;
    let inFlight: string[] = [];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(
          encoder.encode(
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
          ),
        );
        controller.enqueue(header);
      },
      pull(controller) {
        sent++;
        if (sent === 4) inFlight = readdirSync(uploads);
        if (sent <= chunks) controller.enqueue(chunk);
        else {
          controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
          controller.close();
        }
      },
    });
    const streamed = new Request(`${APP_URL}/provenance`, {
      method: "POST",
      headers: {
        cookie,
        origin: APP_URL,
        "content-type": `multipart/form-data; boundary=${boundary}`,
      },
      body,
      duplex: "half",
    } as RequestInit);
    await expect(
      withUpload(streamed, provenanceUpload({ maxBytes: 1024 * 1024, tmpRoot: uploads }), (file) =>
        checkUploadedFile(t.db, artist, file, testProvenance),
      ),
    ).rejects.toMatchObject({
      status: 413,
      field: "file",
      message: expect.stringMatching(/larger than 1 MB/),
    });
    // It was being received into a folder of its own under the temporary directory…
    expect(inFlight).toHaveLength(1);
    expect(inFlight[0]).toMatch(/^greenroom-provenance-/);
    // …and reading stopped at the limit, not at the end of the body.
    expect(sent).toBeGreaterThan(16);
    expect(sent).toBeLessThan(chunks);

    // The same through the whole route: a real clip over a lower limit is a 413, never a 500.
    await expect(
      withUpload(
        uploadRequest(cookie, { bytes: readFileSync(unsignedClip) }),
        provenanceUpload({ maxBytes: 64 * 1024, tmpRoot: uploads }),
        (file) => checkUploadedFile(t.db, artist, file, testProvenance),
      ),
    ).rejects.toMatchObject({ status: 413, field: "file" });
  });

  it("limits each person to 30 checks in 10 minutes", async () => {
    const { artist, other } = await people();
    const garbage = { bytes: Buffer.from("not a video") };
    expect(PROVENANCE_CHECK_LIMIT).toMatchObject({ max: 30, windowSeconds: 600 });
    for (let i = 0; i < PROVENANCE_CHECK_LIMIT.max; i++) {
      expect((await upload(artist, garbage)).status).toBe(422);
    }
    const limited = await upload(artist, { bytes: readFileSync(unsignedClip) });
    expect(limited.status).toBe(429);
    expect((limited.body as Failure).errors.form).toMatch(/Too many attempts/);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Someone else is not held back.
    expect((await upload(other, { bytes: readFileSync(unsignedClip) })).status).toBe(200);
  });
});
