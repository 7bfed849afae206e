import { Link, useFetcher } from "@remix-run/react";
import { StatusBadge } from "~/components/status-badge";
import { Button } from "~/components/ui/button";
import { EmptyState } from "~/components/ui/misc";
import { useNow } from "./use-live-studio";

export type Job = {
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
  eta: {
    startAt: number | null;
    readyAt: number;
    readyLow: number;
    readyHigh: number;
    range: boolean;
  } | null;
};

function ordinal(n: number) {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

/** A span of seconds as people say it: "35 s", "2 min". */
export function span(seconds: number) {
  if (seconds < 60) return `${Math.max(5, Math.ceil(seconds / 5) * 5)} s`;
  return `${Math.round(seconds / 60)} min`;
}

/**
 * "ready in about 35 s", or a range when the history is thin; never a time already past: a late
 * job is "any moment now".
 */
export function etaText(eta: NonNullable<Job["eta"]>, now: number) {
  const left = (at: number) => (at - now) / 1000;
  if (eta.range) {
    const low = left(eta.readyLow);
    const high = left(eta.readyHigh);
    if (high <= 0) return "ready any moment now";
    if (low <= 5) return `ready within ${span(high)}`;
    const a = span(low);
    const b = span(high);
    return a === b ? `ready in about ${a}` : `ready in ${a}–${b}`;
  }
  const mid = left(eta.readyAt);
  return mid <= 0 ? "ready any moment now" : `ready in about ${span(mid)}`;
}

export function JobList({ jobs, clockOffset = 0 }: { jobs: Job[]; clockOffset?: number }) {
  const active = jobs.some((j) => j.status === "queued" || j.status === "running");
  const now = useNow(active) + clockOffset;
  if (jobs.length === 0) {
    return (
      <div className="mt-4">
        <EmptyState title="No jobs yet">
          Jobs you queue appear here with their place in line and progress, and stay for a day after
          they finish.
        </EmptyState>
      </div>
    );
  }
  return (
    <ul className="mt-4 space-y-3" aria-label="Your jobs">
      {jobs.map((job) => (
        <JobRow key={job.id} job={job} now={now} />
      ))}
    </ul>
  );
}

function JobAction({
  job,
  intent,
  label,
  variant = "secondary",
}: {
  job: Job;
  intent: "cancel" | "dismiss" | "retry";
  label: string;
  variant?: "primary" | "secondary";
}) {
  const fetcher = useFetcher<{ ok: boolean; errors?: Record<string, string> }>();
  const error =
    fetcher.data && !fetcher.data.ok
      ? (fetcher.data.errors?.form ?? Object.values(fetcher.data.errors ?? {})[0])
      : null;
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="jobId" value={job.id} />
      <Button type="submit" variant={variant} busy={fetcher.state !== "idle"} className="px-3 py-1">
        {label}
        <span className="sr-only"> job: {job.prompt.slice(0, 60)}</span>
      </Button>
      {error ? (
        <p className="mt-1 text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </fetcher.Form>
  );
}

function JobRow({ job, now }: { job: Job; now: number }) {
  const active = job.status === "queued" || job.status === "running";
  const percent = Math.round(job.progress * 100);
  const starting = job.status === "running" && job.progress === 0;
  return (
    <li className="rounded-md border border-stone-200 p-3" data-job-status={job.status}>
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
          <p className="mt-1 text-xs text-stone-600" data-testid="job-progress">
            {starting ? "Starting…" : `${percent}%`}
            {job.eta ? ` · ${etaText(job.eta, now)}` : ""}
          </p>
        </div>
      ) : null}
      {job.status === "queued" ? (
        <p className="mt-2 text-xs text-stone-600" data-testid="job-place">
          {job.position !== null ? `${ordinal(job.position)} in line` : "Waiting"}
          {job.eta ? ` · ${etaText(job.eta, now)}` : ""}
        </p>
      ) : null}
      {job.status === "succeeded" ? (
        <p className="mt-2 text-sm text-stone-700">
          Your clip is ready.{" "}
          <Link className="font-medium text-brand-800 underline" to={`/studio/clips/${job.id}`}>
            Open it<span className="sr-only">: {job.prompt.slice(0, 60)}</span>
          </Link>
        </p>
      ) : null}
      {job.status === "failed" ? (
        <p className="mt-2 text-sm text-red-700">
          It failed: {(job.error ?? "the renderer gave no reason").replace(/\.$/, "")}. Its seconds
          were returned.
        </p>
      ) : null}
      {job.status === "canceled" ? (
        <p className="mt-2 text-xs text-stone-600">Cancelled; its seconds were returned.</p>
      ) : null}
      <div className="mt-2 flex flex-wrap gap-2">
        {active ? <JobAction job={job} intent="cancel" label="Cancel" /> : null}
        {job.status === "failed" ? (
          <JobAction job={job} intent="retry" label="Try again" variant="primary" />
        ) : null}
        {!active ? <JobAction job={job} intent="dismiss" label="Dismiss" /> : null}
      </div>
    </li>
  );
}
