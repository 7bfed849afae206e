import { useLoaderData } from "@remix-run/react";
import { Card } from "~/components/ui/misc";
import { STYLE_PRESETS } from "~/lib/generation";
import type { loader } from "./route";

/** The prompt and the settings the clip was made with, and how long it took to render. */
export function ClipSettings() {
  const { job } = useLoaderData<typeof loader>();
  const style = STYLE_PRESETS.find((s) => s.id === job.style)?.label ?? job.style;
  const renderSeconds =
    job.startedAt && job.finishedAt
      ? (new Date(job.finishedAt).getTime() - new Date(job.startedAt).getTime()) / 1000
      : null;
  return (
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
  );
}
