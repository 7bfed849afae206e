import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { ReviewTimes } from "~/components/review/review-times";
import { SubmissionStateBadge } from "~/components/review/submission-state";
import { buttonClass } from "~/components/ui/button";
import { FilterTabs } from "~/components/ui/filters";
import { EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { USE_LABELS, type SubmissionState } from "~/lib/review";
import type { loader } from "./route";

// In the order an artist meets them, which is not the order of SUBMISSION_STATES.
const STATE_TABS = [
  "pending",
  "in_review",
  "changes_requested",
  "approved",
  "rejected",
  "withdrawn",
] as const satisfies readonly SubmissionState[];
const STATE_LABELS: Record<SubmissionState, string> = {
  pending: "Waiting",
  in_review: "In review",
  changes_requested: "Changes requested",
  approved: "Approved",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
};

/** The artist's own submissions, newest first, filtered by state, with published review times. */
export function SubmissionsPage() {
  const { submissions, nextCursor, times, filters, targetHours } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const olderHref = () => {
    const next = new URLSearchParams(params);
    next.set("after", nextCursor!);
    return `?${next.toString()}`;
  };
  return (
    <>
      <PageHeader
        title="Submissions"
        description="Your clips sent for approval: where each one is, and why."
        actions={
          <Link to="/studio" className={buttonClass("secondary")}>
            Choose a clip in the studio
          </Link>
        }
      />
      <div className="mb-4">
        <ReviewTimes times={times} targetHours={targetHours} />
      </div>
      <div className="mb-3">
        <FilterTabs
          label="Filter by state"
          param="state"
          values={STATE_TABS}
          labels={STATE_LABELS}
          allLabel="All"
          current={filters.state}
        />
      </div>
      {submissions.length === 0 ? (
        <EmptyState title={filters.state || filters.after ? "None here" : "No submissions yet"}>
          {filters.state || filters.after ? (
            "No submission matches."
          ) : (
            <>
              Open a finished clip in the{" "}
              <Link to="/studio" className="text-brand-800 underline">
                studio
              </Link>{" "}
              and submit it for approval.
            </>
          )}
        </EmptyState>
      ) : (
        <DataTable
          caption="Your submissions, newest first"
          columns={["Submission", "Use", "Version", "Status", "Submitted"]}
        >
          {submissions.map((s) => (
            <tr key={s.id} className={rowClass}>
              <td className={cellClass}>
                <div className="flex items-center gap-3">
                  <img
                    src={`/media/clips/${s.clipId}/poster`}
                    alt=""
                    className="h-10 w-16 rounded object-cover"
                    loading="lazy"
                  />
                  <Link
                    to={`/submissions/${s.id}`}
                    className="font-medium text-brand-800 underline"
                  >
                    {s.title}
                  </Link>
                </div>
              </td>
              <td className={cellClass}>{USE_LABELS[s.intendedUse]}</td>
              <td className={cellClass}>{s.currentVersion}</td>
              <td className={cellClass}>
                <SubmissionStateBadge
                  state={s.state}
                  approvals={s.approvals}
                  approvalsNeeded={s.approvalsNeeded}
                />
              </td>
              <td className={cellClass}>{formatDateTime(s.createdAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {nextCursor ? (
        <nav aria-label="Submission pages" className="mt-4 flex justify-end text-sm">
          <Link className="text-brand-800 underline" to={olderHref()} rel="next">
            Older submissions →
          </Link>
        </nav>
      ) : null}
    </>
  );
}
