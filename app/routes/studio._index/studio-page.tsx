import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { GenerateForm } from "~/components/studio/generate-form";
import { AccessSummary } from "~/components/studio/access-summary";
import { JobList } from "~/components/studio/job-list";
import { ModelPicker } from "~/components/studio/model-picker";
import { ResultToasts } from "~/components/studio/result-toasts";
import { useLiveStudio, useTitleNotice } from "~/components/studio/use-live-studio";
import { OutputGrid } from "~/components/studio/output-grid";
import { Card, PageHeader } from "~/components/ui/misc";
import type { loader } from "./route";

/**
 * The artist's studio: their limits, the form that queues a clip, the jobs (live over the event
 * stream, polled when it is down), and their clips, newest first, in pages.
 */
export function StudioPage() {
  const data = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const live = useLiveStudio(data);
  useTitleNotice(live.announcements);
  return (
    <>
      <PageHeader
        title="Studio"
        description="Describe a clip, choose its shape and style, and generate it. Your seconds are held while it renders and charged only if it succeeds."
      />
      {data.provider === "local" ? (
        <p className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
          <strong>Stand-in renderer.</strong> While the model is being connected, clips are made by
          a local stand-in: an animated scene chosen by your prompt, seed and style, with your
          prompt as a caption. Quotas, the queue, watermarks and provenance work exactly as they
          will with the model.
        </p>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card>
          <h2 className="text-lg font-semibold">New clip</h2>
          <AccessSummary
            settings={data.settings}
            usage={live.usage}
            requests={data.quotaRequests}
            noAccess={data.blocked !== null && data.settings === null}
          />
          <GenerateForm
            key={params.get("again") ?? "new"}
            settings={data.settings}
            usage={live.usage}
            capabilities={data.capabilities}
            blocked={data.blocked}
            defaults={data.defaults}
          >
            <ModelPicker models={data.models} />
          </GenerateForm>
        </Card>
        <Card>
          <h2 className="text-lg font-semibold">Jobs</h2>
          <JobList jobs={live.jobs} clockOffset={live.clockOffset} />
          <p className="mt-3 text-xs text-stone-500" data-live={live.streaming}>
            {live.streaming === "live"
              ? "Updates live."
              : live.streaming === "down"
                ? "Live updates are unavailable; checking every few seconds."
                : "Connecting for live updates…"}
          </p>
        </Card>
      </div>
      <ResultToasts announcements={live.announcements} onDismiss={live.dismissAnnouncement} />
      <section className="mt-8" aria-labelledby="outputs-heading">
        <h2 id="outputs-heading" className="text-lg font-semibold">
          Your clips
        </h2>
        <OutputGrid outputs={data.outputs} />
        <ClipPages isFirstPage={data.isFirstPage} nextCursor={data.nextCursor} />
      </section>
    </>
  );
}

function ClipPages({
  isFirstPage,
  nextCursor,
}: {
  isFirstPage: boolean;
  nextCursor: string | null;
}) {
  return (
    <nav aria-label="Clip pages" className="mt-4 flex gap-2 text-sm">
      {!isFirstPage ? (
        <Link className="rounded-md border border-stone-300 bg-white px-3 py-1.5" to="/studio">
          Newest clips
        </Link>
      ) : null}
      {nextCursor ? (
        <Link
          className="rounded-md border border-stone-300 bg-white px-3 py-1.5"
          to={`/studio?before=${encodeURIComponent(nextCursor)}`}
          rel="next"
        >
          Older clips
        </Link>
      ) : null}
    </nav>
  );
}
