import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { verifyProvenanceTag, type SignedProvenance } from "~/.server/generation/provenance";
import { deleteClip, getOwnClip } from "~/.server/generation/studio";
import { intentAction, loadOrRespond, routeHeaders } from "~/.server/http";
import { submitClip, submitInput } from "~/.server/review/submissions";
import { submissionsOfClip } from "~/.server/review/views";
import { ClipPage } from "./clip-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Clip · Studio · Greenroom" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireActor(request, context, "studio:use");
  const { clip, submissions } = await loadOrRespond(async () => {
    const clip = await getOwnClip(context.db, user, params.clipId ?? "");
    return { clip, submissions: await submissionsOfClip(context.db, user, clip.id) };
  });
  // The record we keep is checked with the same key and code as an uploaded file would be (its
  // video hash was checked when it was sealed; the stored file is the one it was sealed into).
  const check = verifyProvenanceTag(JSON.stringify(clip.provenance), context.provenance.secret);
  const provenance = clip.provenance as Partial<Omit<SignedProvenance, "v">>;
  const { job } = clip;
  return {
    submissions,
    // A fresh key per rendering of the form: a double click or a resend submits once.
    submitKey: crypto.randomUUID(),
    clip: {
      id: clip.id,
      createdAt: clip.createdAt,
      durationSeconds: clip.durationSeconds,
      width: clip.width,
      height: clip.height,
      sizeBytes: clip.sizeBytes,
      provider: clip.provider,
      model: clip.model,
    },
    job: {
      prompt: job.prompt,
      durationSeconds: job.durationSeconds,
      resolution: job.resolution,
      aspectRatio: job.aspectRatio,
      style: job.style,
      seed: job.seed,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
    },
    provenance: {
      clipId: provenance.clipId ?? clip.id,
      accountRef: provenance.accountRef ?? null,
      provider: provenance.provider ?? clip.provider,
      model: provenance.model ?? clip.model,
      promptSha256: provenance.promptSha256 ?? "",
      createdAt: provenance.createdAt ?? clip.createdAt.toISOString(),
      videoSha256: provenance.videoSha256 ?? null,
      // "legacy": signed before outputs carried Content Credentials (see `npm run provenance:sign`).
      status: check.status,
    },
  };
}

export const action = intentAction("studio:use", (intent) => ({
  // The clip is the page's own: its id comes from the address, never from the form.
  submit: intent({
    input: submitInput.omit({ clipId: true }),
    lists: ["channels"],
    run: (input, { db, actor, params }) =>
      submitClip(db, actor, { ...input, clipId: params.clipId ?? "" }),
    then: (submission, { flash }) =>
      flash(
        `/submissions/${submission.id}`,
        "Submitted. It is in the review queue; you will hear as soon as it is decided.",
      ),
  }),
  delete: intent({
    run: (_, { db, actor, params }) => deleteClip(db, actor, params.clipId ?? ""),
    then: (_, { flash }) => flash("/studio", "Clip deleted."),
  }),
}));

export default ClipPage;
