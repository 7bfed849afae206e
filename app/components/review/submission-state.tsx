import { Badge } from "~/components/ui/misc";
import type { SubmissionState } from "~/lib/review";

const TONES = {
  pending: "amber",
  in_review: "blue",
  approved: "green",
  // Not the amber of "Waiting": the artist has something to do.
  changes_requested: "violet",
  rejected: "red",
  withdrawn: "stone",
} as const;

const LABELS: Record<SubmissionState, string> = {
  pending: "Waiting for review",
  in_review: "In review",
  approved: "Approved",
  changes_requested: "Changes requested",
  rejected: "Rejected",
  withdrawn: "Withdrawn",
};

/** The state in words; a partly approved commercial item says how far it has come. */
export function SubmissionStateBadge(props: {
  state: SubmissionState;
  approvals?: number;
  approvalsNeeded?: number;
}) {
  const partly =
    (props.state === "in_review" || props.state === "pending") &&
    props.approvalsNeeded === 2 &&
    (props.approvals ?? 0) > 0;
  return (
    <span className="inline-flex flex-wrap gap-1">
      <Badge tone={TONES[props.state]}>{LABELS[props.state]}</Badge>
      {partly ? (
        <Badge tone="green">
          {props.approvals} of {props.approvalsNeeded} approvals
        </Badge>
      ) : null}
    </span>
  );
}

export function formatHours(hours: number) {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 48) return `${hours.toFixed(hours < 10 ? 1 : 0)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}
