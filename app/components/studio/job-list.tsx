import { useFetcher, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { StatusBadge } from "~/components/status-badge";
import { Button } from "~/components/ui/button";
import { EmptyState } from "~/components/ui/misc";

type Job = {
  id: string;
  status: "queued" | "running" | "succeeded" | "failed" | "canceled";
  prompt: string;
  durationSeconds: number;
  resolution: string;
  aspectRatio: string;
  style: string;
  progress: number;
  error: string | null;
  position: number | null;
  etaSeconds: number | null;
};

const POLL_MS = 1500;

/** While jobs are unfinished, reloads the page's data every 1.5 s (only while it is visible). */
export function useLiveJobs(active: boolean) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") {
        revalidator.revalidate();
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [active, revalidator]);
}

function ordinal(n: number) {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

function eta(seconds: number) {
  if (seconds < 60) return `about ${Math.max(5, Math.ceil(seconds / 5) * 5)} s`;
  return `about ${Math.round(seconds / 60)} min`;
}

export function JobList({ jobs }: { jobs: Job[] }) {
  if (jobs.length === 0) {
    return (
      <div className="mt-4">
        <EmptyState title="No jobs in progress">
          Jobs you queue appear here with their place in line and progress.
        </EmptyState>
      </div>
    );
  }
  return (
    <ul className="mt-4 space-y-3" aria-live="polite">
      {jobs.map((job) => (
        <JobRow key={job.id} job={job} />
      ))}
    </ul>
  );
}

function JobRow({ job }: { job: Job }) {
  const fetcher = useFetcher<{ ok: boolean; errors?: { form?: string } }>();
  const cancelling = fetcher.state !== "idle";
  const active = job.status === "queued" || job.status === "running";
  const percent = Math.round(job.progress * 100);
  const starting = job.status === "running" && job.progress === 0;
  return (
    <li className="rounded-md border border-stone-200 p-3">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0 flex-1">
          <p className="truncate text-sm font-medium text-stone-900" title={job.prompt}>
            {job.prompt}
          </p>
          <p className="text-xs text-stone-600">
            {job.durationSeconds} s · {job.resolution} · {job.aspectRatio} · {job.style}
          </p>
        </div>
        <StatusBadge status={job.status} />
      </div>
      {job.status === "running" ? (
        <div className="mt-2">
          <div
            role="progressbar"
            aria-label="Rendering progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent}
            className="h-2 overflow-hidden rounded-full bg-stone-200"
          >
            <div
              className="h-full rounded-full bg-brand-700 transition-[width] duration-500"
              style={{ width: `${Math.max(2, percent)}%` }}
            />
          </div>
          <p className="mt-1 text-xs text-stone-600">
            {starting ? "Starting…" : `${percent}%`}
            {job.etaSeconds !== null ? ` · ready in ${eta(job.etaSeconds)}` : ""}
          </p>
        </div>
      ) : null}
      {job.status === "queued" ? (
        <p className="mt-2 text-xs text-stone-600">
          {job.position !== null ? `${ordinal(job.position)} in line` : "Waiting"}
          {job.etaSeconds !== null ? ` · ready in ${eta(job.etaSeconds)}` : ""}
        </p>
      ) : null}
      {job.error ? (
        <p
          className={`mt-2 text-sm ${job.status === "failed" ? "text-red-700" : "text-stone-700"}`}
        >
          {job.error}
        </p>
      ) : null}
      {job.status === "canceled" ? (
        <p className="mt-2 text-xs text-stone-600">Cancelled; its seconds were returned.</p>
      ) : null}
      {active ? (
        <fetcher.Form method="post" className="mt-2">
          <input type="hidden" name="intent" value="cancel" />
          <input type="hidden" name="jobId" value={job.id} />
          <Button type="submit" variant="secondary" busy={cancelling} className="px-3 py-1">
            Cancel<span className="sr-only"> job: {job.prompt.slice(0, 60)}</span>
          </Button>
          {fetcher.data && !fetcher.data.ok && fetcher.data.errors?.form ? (
            <p className="mt-1 text-sm text-red-700" role="alert">
              {fetcher.data.errors.form}
            </p>
          ) : null}
        </fetcher.Form>
      ) : null}
    </li>
  );
}
