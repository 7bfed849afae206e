import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { intentAction, loadOrRespond, routeHeaders } from "~/.server/http";
import { resubmit, resubmitInput, withdrawSubmission } from "~/.server/review/submissions";
import { clipChoices, loadOwnSubmission, publishedReviewTimes } from "~/.server/review/views";
import { SubmissionPage } from "./submission-page";

export const headers = routeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.submission.title ?? "Submission"} · Submissions · Greenroom` },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireActor(request, context, "studio:use");
  const { detail, times, choices } = await loadOrRespond(async () => {
    const [detail, times] = await Promise.all([
      loadOwnSubmission(context.db, user, params.submissionId ?? ""),
      publishedReviewTimes(context.db, context.figures),
    ]);
    // Clips to resubmit with, offered only once changes are requested.
    const choices =
      detail.submission.state === "changes_requested" ? await clipChoices(context.db, user) : [];
    return { detail, times, choices };
  });
  const s = detail.submission;
  return {
    submission: {
      id: s.id,
      title: s.title,
      description: s.description,
      intendedUse: s.intendedUse,
      channels: s.channels,
      state: s.state,
      revision: s.revision,
      currentVersion: s.currentVersion,
      approvals: s.approvals,
      approvalsNeeded: s.approvalsNeeded,
      createdAt: s.createdAt,
    },
    versions: detail.versions.map((v) => ({
      number: v.number,
      clipId: v.clipId,
      clipDeleted: v.clipDeleted,
      note: v.note,
      createdAt: v.createdAt,
      comments: detail.comments.filter((c) => c.version === v.number),
    })),
    decisions: detail.decisions.map((d) => ({
      id: d.id,
      version: d.version,
      decision: d.decision,
      reasonCategory: d.reasonCategory,
      note: d.note,
      reviewer: d.reviewer,
      createdAt: d.createdAt,
    })),
    timeline: detail.timeline,
    times,
    targetHours: context.env.REVIEW_TARGET_HOURS,
    choices,
  };
}

/** The revision the page showed (a hidden field); anything else is not from this page. */
function revisionSeen(value: unknown) {
  const revision = Number(value);
  if (!Number.isSafeInteger(revision)) throw new UserError("Reload the page and try again.", 400);
  return revision;
}

export const action = intentAction("studio:use", (intent) => {
  const idOf = (params: { submissionId?: string }) => params.submissionId ?? "";
  return {
    withdraw: intent({
      run: (_, { db, actor, params, fields }) =>
        withdrawSubmission(db, actor, idOf(params), revisionSeen(fields.revision)),
      then: (_, { params, flash }) =>
        flash(
          `/submissions/${idOf(params)}`,
          "Submission withdrawn. Its history stays here.",
          "info",
        ),
    }),
    resubmit: intent({
      input: resubmitInput,
      run: (input, { db, actor, params }) => resubmit(db, actor, idOf(params), input),
      then: (version, { params, flash }) =>
        flash(`/submissions/${idOf(params)}`, `Version ${version} is in the review queue.`),
    }),
  };
});

export default SubmissionPage;
