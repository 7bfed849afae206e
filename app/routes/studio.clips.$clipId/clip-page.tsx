import { Link, useLoaderData } from "@remix-run/react";
import { SubmitForm } from "~/components/review/submit-form";
import { buttonClass } from "~/components/ui/button";
import { FormError } from "~/components/ui/field";
import { formatDateTime, PageHeader } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import { ClipSettings } from "./clip-settings";
import { DeleteClipDialog } from "./delete-clip-dialog";
import { ProvenanceCard } from "./provenance-card";
import type { loader } from "./route";

/** One of the artist's clips: the video, its submit form, its settings and its provenance. */
export function ClipPage() {
  const { clip, job, submissions, submitKey } = useLoaderData<typeof loader>();
  // A refused delete (the clip is in a live submission) names the field "delete".
  const deleteError = useIntentErrors().delete;
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
            <DeleteClipDialog />
          </div>
        }
      />
      {deleteError ? (
        <div className="mb-4">
          <FormError message={deleteError} />
        </div>
      ) : null}
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="palette-fixed overflow-hidden rounded-lg bg-stone-900">
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
          <ClipSettings />
          <ProvenanceCard />
        </div>
      </div>
    </>
  );
}
