import { useFetcher } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { TextAreaField, TextField } from "~/components/ui/field";
import { formatDate } from "~/lib/dates";
import { QUOTA_REQUEST_LABELS, type QuotaRequestState } from "~/lib/quota-requests";

// The artist's limits before they block: the access window, jobs at once, the longest clip and
// highest resolution; and the way to ask for more seconds, with the answer to the last request.

type Settings = {
  maxDurationSeconds: number;
  maxResolution: string;
  maxConcurrentJobs: number;
  accessFrom: Date | string | null;
  accessUntil: Date | string | null;
} | null;

type Request = {
  id: string;
  requestedSeconds: number;
  state: QuotaRequestState;
  grantedSeconds: number | null;
  note: string | null;
};

function windowText(settings: NonNullable<Settings>, now = new Date()) {
  const from = settings.accessFrom ? new Date(settings.accessFrom) : null;
  const until = settings.accessUntil ? new Date(settings.accessUntil) : null;
  if (from && now < from) return `Your access opens on ${formatDate(from)}.`;
  if (until && now >= until) return `Your access closed on ${formatDate(until)}.`;
  if (until) return `Your access is open until ${formatDate(until)}.`;
  return "Your access has no end date.";
}

export function AccessSummary(props: {
  settings: Settings;
  usage: { remainingSeconds: number; quotaSeconds: number };
  requests: Request[];
  noAccess: boolean;
}) {
  const { settings } = props;
  return (
    <div className="mt-3 space-y-3 text-sm">
      {settings ? (
        <ul className="list-inside list-disc text-stone-700" aria-label="Your limits">
          <li>{windowText(settings)}</li>
          <li>
            Up to {settings.maxConcurrentJobs} {settings.maxConcurrentJobs === 1 ? "job" : "jobs"}{" "}
            at once; more wait in line.
          </li>
          <li>
            Clips up to {settings.maxDurationSeconds} s at up to {settings.maxResolution}. A clip
            costs its length in seconds, held while it renders and charged only if it succeeds.
          </li>
        </ul>
      ) : null}
      {props.noAccess ? null : <MoreSeconds requests={props.requests} />}
    </div>
  );
}

function MoreSeconds({ requests }: { requests: Request[] }) {
  const fetcher = useFetcher<{ ok: boolean; errors?: Record<string, string> }>();
  const errors = fetcher.data && !fetcher.data.ok ? (fetcher.data.errors ?? {}) : {};
  const latest = requests[0];
  const open = latest?.state === "open";
  return (
    <details className="rounded-md border border-stone-200 px-3 py-2" open={open || undefined}>
      <summary className="cursor-pointer font-medium text-stone-900">Ask for more seconds</summary>
      {latest ? (
        <p className="mt-2 text-stone-700" data-testid="quota-request-state">
          Your last request ({latest.requestedSeconds} s):{" "}
          <strong>{QUOTA_REQUEST_LABELS[latest.state]}</strong>
          {latest.grantedSeconds ? ` · ${latest.grantedSeconds} s granted this month` : ""}
          {latest.note ? ` · “${latest.note}”` : ""}
        </p>
      ) : null}
      {open ? null : (
        <fetcher.Form method="post" className="mt-2 space-y-3">
          <input type="hidden" name="intent" value="ask" />
          <TextField
            label="Seconds"
            name="requestedSeconds"
            inputMode="numeric"
            pattern="[0-9]*"
            required
            error={errors.requestedSeconds}
            hint="How many more seconds you need this month."
          />
          <TextAreaField
            label="What they are for"
            name="reason"
            required
            rows={2}
            maxLength={1000}
            error={errors.reason}
          />
          {errors.form ? (
            <p className="text-sm text-red-700" role="alert">
              {errors.form}
            </p>
          ) : null}
          <Button type="submit" variant="secondary" busy={fetcher.state !== "idle"}>
            Send the request
          </Button>
        </fetcher.Form>
      )}
    </details>
  );
}
