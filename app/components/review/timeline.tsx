import { formatDateTime } from "~/components/ui/misc";
import type { TimelineEvent } from "~/lib/review";

const WORDS: Record<TimelineEvent["kind"], string> = {
  submitted: "Submitted",
  resubmitted: "Resubmitted",
  claimed: "Review started",
  approved: "Approved",
  first_approval: "First approval (1 of 2)",
  changes_requested: "Changes requested",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
};

const DOTS: Record<TimelineEvent["kind"], string> = {
  submitted: "bg-stone-400",
  resubmitted: "bg-stone-400",
  claimed: "bg-sky-500",
  approved: "bg-green-600",
  first_approval: "bg-green-400",
  changes_requested: "bg-amber-500",
  rejected: "bg-red-600",
  withdrawn: "bg-stone-400",
};

/** The submission's history, oldest first: every version, review and decision with its reason. */
export function Timeline({ events }: { events: TimelineEvent[] }) {
  return (
    <ol className="relative space-y-4 border-l border-stone-300 pl-5" aria-label="History">
      {events.map((event, i) => (
        <li key={i} className="relative">
          <span
            aria-hidden="true"
            className={`absolute -left-[1.67rem] top-1.5 h-3 w-3 rounded-full ring-2 ring-white ${DOTS[event.kind]}`}
          />
          <p className="text-sm font-semibold text-stone-900">
            {WORDS[event.kind]}{" "}
            <span className="font-normal text-stone-600">· version {event.version}</span>
          </p>
          <p className="text-xs text-stone-600">
            {formatDateTime(event.at)}
            {event.by ? ` · ${event.by}` : ""}
          </p>
          {event.reasonCategory ? (
            <p className="mt-1 text-sm">
              <span className="font-medium">Reason:</span> {event.reasonCategory}
            </p>
          ) : null}
          {event.note ? (
            <p className="mt-1 whitespace-pre-wrap border-l-2 border-stone-200 pl-2 text-sm text-stone-800">
              {event.note}
            </p>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
