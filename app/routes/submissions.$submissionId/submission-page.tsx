import { Link, useLoaderData } from "@remix-run/react";
import { ReviewTimes } from "~/components/review/review-times";
import { SubmissionStateBadge } from "~/components/review/submission-state";
import { Timeline } from "~/components/review/timeline";
import { buttonClass } from "~/components/ui/button";
import { FormError } from "~/components/ui/field";
import { Card, formatDateTime, PageHeader } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import { USE_LABELS } from "~/lib/review";
import { DecisionsCard } from "./decisions-card";
import type { loader } from "./route";
import { Versions } from "./versions";
import { WithdrawButton } from "./withdraw-button";

/**
 * The artist's own submission: where it is, every version with the reviewers' timecoded comments,
 * the decisions and why, and what the artist can do now (withdraw, or resubmit after changes).
 */
export function SubmissionPage() {
  const page = useLoaderData<typeof loader>();
  const errors = useIntentErrors();
  const s = page.submission;
  const open = s.state === "pending" || s.state === "in_review";
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/submissions" className="text-brand-800 underline">
          ← Submissions
        </Link>
      </p>
      <PageHeader
        title={s.title}
        description={`${USE_LABELS[s.intendedUse]} · ${s.channels.join(", ")} · version ${s.currentVersion} · submitted ${formatDateTime(s.createdAt)}`}
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <SubmissionStateBadge
              state={s.state}
              approvals={s.approvals}
              approvalsNeeded={s.approvalsNeeded}
            />
            {open ? <WithdrawButton revision={s.revision} /> : null}
            {s.state === "approved" ? (
              <Link to={`/rights?submission=${s.id}`} className={buttonClass("primary")}>
                Request publishing rights
              </Link>
            ) : null}
          </div>
        }
      />
      {/* While the resubmit form is shown it shows the form's error itself: not twice. */}
      {errors.form && s.state !== "changes_requested" ? <FormError message={errors.form} /> : null}
      <div className="mt-4 grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Versions />
        <div className="space-y-6">
          <DecisionsCard />
          <ReviewTimes times={page.times} targetHours={page.targetHours} />
          <Card>
            <h2 className="text-lg font-semibold">History</h2>
            <div className="mt-3">
              <Timeline events={page.timeline} />
            </div>
          </Card>
          <Card>
            <h2 className="text-lg font-semibold">Description</h2>
            <p className="mt-2 whitespace-pre-wrap text-sm text-stone-800">{s.description}</p>
          </Card>
        </div>
      </div>
    </>
  );
}
