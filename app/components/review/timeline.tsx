import { formatDateTime } from "~/components/ui/misc";
import type { ChecklistEntry, TimelineEvent } from "~/lib/review";

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
  changes_requested: "bg-violet-600",
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
          {event.checklist?.length ? <ChecklistTicks entries={event.checklist} /> : null}
        </li>
      ))}
    </ol>
  );
}

/**
 * A decision's checklist as the reviewer left it: how many items held, folded open to each item
 * (held, failed, or not ticked). Failed items are listed outside the fold: the artist must see
 * them.
 */
export function ChecklistTicks({ entries }: { entries: ChecklistEntry[] }) {
  const held = entries.filter((e) => e.checked).length;
  const failed = entries.filter((e) => e.failed);
  return (
    <div className="mt-1 text-sm">
      {failed.length > 0 ? (
        <p className="text-red-800">
          <span className="font-medium">Not met:</span> {failed.map((e) => e.item).join("; ")}
        </p>
      ) : null}
      <details className="mt-0.5">
        <summary className="cursor-pointer text-xs text-stone-600">
          Checklist: {held} of {entries.length} held
        </summary>
        <ul className="mt-1 space-y-0.5 text-xs text-stone-800">
          {entries.map((e) => (
            <li key={e.item} className="flex gap-1.5">
              <span aria-hidden="true" className="w-3 shrink-0 text-center font-bold">
                {e.checked ? "✓" : e.failed ? "✗" : "–"}
              </span>
              <span>
                {e.item}
                <span className="sr-only">
                  : {e.checked ? "holds" : e.failed ? "failed" : "not ticked"}
                </span>
              </span>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
