import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { formatHours, SubmissionStateBadge } from "~/components/review/submission-state";
import { FilterBar, FilterSelect } from "~/components/ui/filters";
import {
  Badge,
  EmptyState,
  formatDateTime,
  formatTimeOfDay,
  PageHeader,
} from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { INTENDED_USES, USE_LABELS } from "~/lib/review";
import type { loader } from "./route";

/** Submissions waiting for a decision, oldest first, with the queue's counts and filters. */
export function QueuePage() {
  const { items, counts, countsAt, cohorts, filters, nextCursor, targetHours } =
    useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const nextHref = () => {
    const next = new URLSearchParams(params);
    next.set("after", nextCursor!);
    return `?${next.toString()}`;
  };
  const firstHref = () => {
    const first = new URLSearchParams(params);
    first.delete("after");
    return `?${first.toString()}`;
  };
  return (
    <>
      <PageHeader
        title="Review queue"
        description={`Oldest first. The target is a decision within ${targetHours} hours of submission.`}
      />
      <dl className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Queue counts">
        <Count label="Waiting" value={counts.waiting} />
        <Count
          label="Overdue"
          value={counts.overdue}
          tone={counts.overdue > 0 ? "red" : undefined}
        />
        <Count label="Not claimed" value={counts.unclaimed} />
        <Count label="Claimed by me" value={counts.mine} />
      </dl>
      <p className="-mt-2 mb-4 text-xs text-stone-600">
        Waiting, overdue and unclaimed as counted at {formatTimeOfDay(countsAt)}; the list below is
        live.
      </p>
      <FilterBar label="Filter the queue">
        <FilterSelect
          name="use"
          label="Intended use"
          anyLabel="Any use"
          defaultValue={filters.use}
          options={INTENDED_USES.map((u) => ({ value: u, label: USE_LABELS[u] }))}
        />
        <FilterSelect
          name="cohort"
          label="Cohort"
          anyLabel="Any cohort"
          defaultValue={filters.cohort}
          options={cohorts.map((c) => ({ value: c, label: c }))}
        />
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input type="checkbox" name="overdue" value="1" defaultChecked={filters.overdue} />
          Overdue only
        </label>
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input type="checkbox" name="mine" value="1" defaultChecked={filters.mine} />
          Claimed by me
        </label>
      </FilterBar>
      {items.length === 0 ? (
        <EmptyState title={filters.after ? "No more items" : "Nothing is waiting"}>
          {filters.use || filters.cohort || filters.overdue || filters.mine
            ? "No waiting item matches these filters."
            : "Every submission has a decision. New ones appear here oldest first."}
        </EmptyState>
      ) : (
        <DataTable
          caption="Submissions waiting for review, oldest first"
          columns={["Submission", "Use", "Artist", "Waiting", "Status", "Claim"]}
        >
          {items.map((item) => (
            <tr key={item.id} className={rowClass}>
              <td className={cellClass}>
                <Link to={`/review/${item.id}`} className="font-medium text-brand-800 underline">
                  {item.title}
                </Link>
                <div className="text-xs text-stone-600">
                  Version {item.version} · {formatDateTime(item.submittedAt)}
                </div>
              </td>
              <td className={cellClass}>{USE_LABELS[item.intendedUse]}</td>
              <td className={cellClass}>
                {item.artist}
                {item.artistSuspended ? (
                  <div>
                    <Badge tone="red">Artist suspended</Badge>
                  </div>
                ) : null}
                {item.cohort ? <div className="text-xs text-stone-600">{item.cohort}</div> : null}
              </td>
              <td className={cellClass}>
                <span className={item.overdue ? "font-semibold text-red-800" : ""}>
                  {formatHours(item.hours)}
                </span>
                {item.overdue ? (
                  <div>
                    <Badge tone="red">Overdue</Badge>
                  </div>
                ) : (
                  <div className="text-xs text-stone-600">of {targetHours} h</div>
                )}
              </td>
              <td className={cellClass}>
                <SubmissionStateBadge
                  state={item.claim ? "in_review" : "pending"}
                  approvals={item.approvals}
                  approvalsNeeded={item.approvalsNeeded}
                />
              </td>
              <td className={cellClass}>
                {item.claim ? (
                  item.claim.mine ? (
                    <Badge tone="blue">You</Badge>
                  ) : (
                    <span>{item.claim.by}</span>
                  )
                ) : (
                  <span className="text-stone-600">Free</span>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <nav aria-label="Queue pages" className="mt-4 flex justify-between text-sm">
        {filters.after ? (
          <Link className="text-brand-800 underline" to={firstHref()}>
            ← Back to the oldest
          </Link>
        ) : (
          <span />
        )}
        {nextCursor ? (
          <Link className="text-brand-800 underline" to={nextHref()} rel="next">
            Newer items →
          </Link>
        ) : null}
      </nav>
    </>
  );
}

function Count({ label, value, tone }: { label: string; value: number; tone?: "red" }) {
  return (
    <div className="rounded-lg border border-stone-200 bg-white p-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-stone-600">{label}</dt>
      <dd className={`text-2xl font-bold ${tone === "red" ? "text-red-800" : "text-stone-900"}`}>
        {value}
      </dd>
    </div>
  );
}
