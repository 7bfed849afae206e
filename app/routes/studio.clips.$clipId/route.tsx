import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { redirectWithFlash } from "~/.server/flash";
import { formFields, parseWith, userErrorToResponse, readForm, routeHeaders } from "~/.server/http";
import { submitClip, submitInput } from "~/.server/review/submissions";
import { submissionsOfClip } from "~/.server/review/views";
import { SubmitForm } from "~/components/review/submit-form";
import { verifyProvenanceTag, type SignedProvenance } from "~/.server/generation/provenance";
import { deleteClip, getOwnClip } from "~/.server/generation/studio";
import { Button, buttonClass } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { FormError } from "~/components/ui/field";
import { Badge, Card, formatDateTime, PageHeader } from "~/components/ui/misc";
import { STYLE_PRESETS } from "~/lib/generation";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Clip · Studio · Greenroom" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "studio:use");
  try {
    const clip = await getOwnClip(context.db, user, params.clipId ?? "");
    const clipSubmissions = await submissionsOfClip(context.db, user, clip.id);
    const provenance = clip.provenance as SignedProvenance;
    // The record we keep is checked with the same key and code as an uploaded file would be.
    const check = verifyProvenanceTag(JSON.stringify(provenance), context.env.PROVENANCE_SECRET);
    return {
      submissions: clipSubmissions,
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
        prompt: clip.job.prompt,
        durationSeconds: clip.job.durationSeconds,
        resolution: clip.job.resolution,
        aspectRatio: clip.job.aspectRatio,
        style: clip.job.style,
        seed: clip.job.seed,
        startedAt: clip.job.startedAt,
        finishedAt: clip.job.finishedAt,
      },
      provenance: {
        clipId: provenance.clipId,
        accountId: provenance.accountId,
        provider: provenance.provider,
        model: provenance.model,
        promptSha256: provenance.promptSha256,
        createdAt: provenance.createdAt,
        valid: check.status === "valid",
      },
    };
  } catch (error) {
    if (error instanceof UserError && error.status === 404)
      throw new Response("Not found", { status: 404 });
    throw error;
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "studio:use");
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  if (form.get("intent") === "submit") {
    const parsed = parseWith(submitInput, {
      ...formFields(form, ["channels"]),
      clipId: params.clipId ?? "",
    });
    if (!parsed.ok) return parsed.response;
    try {
      const submission = await submitClip(
        context.db,
        actingUser(request, context, user),
        parsed.data,
      );
      return redirectWithFlash(context, `/submissions/${submission.id}`, {
        kind: "success",
        message: "Submitted. It is in the review queue; you will hear as soon as it is decided.",
      });
    } catch (error) {
      return userErrorToResponse(error);
    }
  }
  if (form.get("intent") !== "delete")
    return userErrorToResponse(new UserError("Unknown action.", 400));
  try {
    await deleteClip(context.db, actingUser(request, context, user), params.clipId ?? "");
  } catch (error) {
    return userErrorToResponse(error);
  }
  return redirectWithFlash(context, "/studio", { kind: "success", message: "Clip deleted." });
}

export default function ClipPage() {
  const { clip, job, provenance, submissions, submitKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<{ ok: false; errors: Record<string, string> }>();
  const deleteError = actionData?.ok === false ? actionData.errors.delete : undefined;
  const navigation = useNavigation();
  const deleting = navigation.state === "submitting";
  const style = STYLE_PRESETS.find((s) => s.id === job.style)?.label ?? job.style;
  const renderSeconds =
    job.startedAt && job.finishedAt
      ? (new Date(job.finishedAt).getTime() - new Date(job.startedAt).getTime()) / 1000
      : null;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/studio" className="text-brand-800 underline">
          ← Studio
        </Link>
      </p>
      <PageHeader
        title="Clip"
        description={`Made ${formatDateTime(clip.createdAt)} · ${clip.width}×${clip.height} · ${clip.durationSeconds.toFixed(1)} s`}
        actions={
          <div className="flex gap-2">
            <Link to={`/studio?again=${clip.id}`} className={buttonClass("primary")}>
              Again with this seed
            </Link>
            <ConfirmDialog trigger="Delete…" title="Delete this clip?">
              {(close) => (
                <Form method="post" className="space-y-4">
                  <input type="hidden" name="intent" value="delete" />
                  <p className="text-sm text-stone-700">
                    It leaves your studio. The program keeps a record that it existed and that you
                    deleted it.
                  </p>
                  <div className="flex justify-end gap-2">
                    <Button type="button" variant="secondary" onClick={close}>
                      Keep it
                    </Button>
                    <Button type="submit" variant="danger" busy={deleting}>
                      Delete
                    </Button>
                  </div>
                </Form>
              )}
            </ConfirmDialog>
          </div>
        }
      />
      {deleteError ? (
        <div className="mb-4">
          <FormError message={deleteError} />
        </div>
      ) : null}
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="overflow-hidden rounded-lg bg-stone-900">
          {/* eslint-disable-next-line jsx-a11y/media-has-caption -- generated clips have no speech */}
          <video
            controls
            preload="metadata"
            playsInline
            poster={`/media/clips/${clip.id}/poster`}
            src={`/media/clips/${clip.id}/video`}
            className="mx-auto max-h-[70vh] w-full"
            aria-label={`Clip: ${job.prompt.slice(0, 80)}`}
          />
        </div>
        <div className="space-y-6">
          <SubmitForm submissions={submissions} submitKey={submitKey} />
          <Card>
            <h2 className="text-lg font-semibold">Prompt and settings</h2>
            <p className="mt-2 whitespace-pre-wrap text-sm text-stone-800">{job.prompt}</p>
            <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
              <dt className="text-stone-600">Duration</dt>
              <dd>{job.durationSeconds} s</dd>
              <dt className="text-stone-600">Resolution</dt>
              <dd>{job.resolution}</dd>
              <dt className="text-stone-600">Aspect ratio</dt>
              <dd>{job.aspectRatio}</dd>
              <dt className="text-stone-600">Style</dt>
              <dd>{style}</dd>
              <dt className="text-stone-600">Seed</dt>
              <dd className="font-mono">{job.seed}</dd>
              {renderSeconds !== null ? (
                <>
                  <dt className="text-stone-600">Render time</dt>
                  <dd>{renderSeconds.toFixed(1)} s</dd>
                </>
              ) : null}
            </dl>
          </Card>
          <Card>
            <div className="flex items-center justify-between gap-2">
              <h2 className="text-lg font-semibold">Provenance</h2>
              {provenance.valid ? (
                <Badge tone="green">Signature valid</Badge>
              ) : (
                <Badge tone="red">Signature invalid</Badge>
              )}
            </div>
            <p className="mt-1 text-sm text-stone-600">
              Signed into the file&apos;s metadata with the program&apos;s key. Anyone can check a
              file on the provenance page.
            </p>
            <dl className="mt-3 space-y-1 text-sm">
              <ProvenanceRow label="Clip id" value={provenance.clipId} />
              <ProvenanceRow label="Account id" value={provenance.accountId} />
              <ProvenanceRow
                label="Provider and model"
                value={`${provenance.provider} · ${provenance.model}`}
              />
              <ProvenanceRow label="Prompt SHA-256" value={provenance.promptSha256} />
              <ProvenanceRow label="Created" value={provenance.createdAt} />
            </dl>
          </Card>
        </div>
      </div>
    </>
  );
}

function ProvenanceRow({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-stone-600">{label}</dt>
      <dd className="break-all font-mono text-xs">{value}</dd>
    </div>
  );
}
