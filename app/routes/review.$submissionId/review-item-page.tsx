import { Link, useLoaderData } from "@remix-run/react";
import { formatHours, SubmissionStateBadge } from "~/components/review/submission-state";
import { ReviewRoom } from "~/components/review/review-room";
import { Badge, PageHeader } from "~/components/ui/misc";
import { USE_LABELS } from "~/lib/review";
import { ArtistNotes } from "./artist-notes";
import { ClaimBanner } from "./claim-banner";
import { DecisionForm } from "./decision-form";
import { HistoryCard } from "./history-card";
import { PlayerArea } from "./player-area";
import type { loader } from "./route";
import { useClaimRenewal } from "./use-claim-renewal";

/**
 * One submission as a reviewer works on it: the clip in the frame-accurate player with its
 * comments and threads, what the artist says, the decision form while the reviewer holds the
 * claim, and the history with each decision's checklist.
 */
export function ReviewItemPage() {
  const page = useLoaderData<typeof loader>();
  const { submission: s } = page;
  useClaimRenewal(page.mine);
  return (
    <ReviewRoom>
      <p className="mb-2 text-sm">
        <Link to="/review" className="text-brand-800 underline">
          ← Review queue
        </Link>
      </p>
      <PageHeader
        title={s.title}
        description={`By ${s.artist} · ${USE_LABELS[s.intendedUse]} · ${s.channels.join(", ")} · version ${s.currentVersion}`}
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <SubmissionStateBadge
              state={s.state}
              approvals={s.approvals}
              approvalsNeeded={s.approvalsNeeded}
            />
            {s.artistSuspended ? <Badge tone="red">Artist suspended</Badge> : null}
            {s.state === "pending" || s.state === "in_review" ? (
              <Badge tone={s.overdue ? "red" : "stone"}>
                {s.overdue ? "Overdue: " : "Waiting "}
                {formatHours(s.hours)} of {page.targetHours} h target
              </Badge>
            ) : null}
          </div>
        }
      />
      <ClaimBanner />
      <div className="mt-4 grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <PlayerArea />
        <div className="space-y-6">
          <ArtistNotes />
          {page.mine ? <DecisionForm /> : null}
          <HistoryCard events={page.timeline} />
        </div>
      </div>
    </ReviewRoom>
  );
}
