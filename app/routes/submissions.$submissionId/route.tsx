import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { intentAction, loadOrRespond, routeHeaders } from "~/.server/http";
import {
  replyInput,
  replyToComment,
  setCommentResolved,
  threadInput,
} from "~/.server/review/comments";
import { resubmit, resubmitInput, withdrawSubmission } from "~/.server/review/submissions";
import {
  clipChoices,
  loadOwnSubmission,
  publishedReviewTimes,
  versionsForPage,
} from "~/.server/review/views";
import { threadScope } from "~/components/review/comment-thread";
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
    versions: versionsForPage(detail),
    decisions: detail.decisions.map((d) => ({
      id: d.id,
      version: d.version,
      decision: d.decision,
      reasonCategory: d.reasonCategory,
      note: d.note,
      checklist: d.checklist,
      reviewer: d.reviewer,
      createdAt: d.createdAt,
    })),
    timeline: detail.timeline,
    times,
    targetHours: context.env.REVIEW_TARGET_HOURS,
    choices,
    // New with every load, so each reply sends its own key (a resent reply is stored once).
    replyKey: crypto.randomUUID(),
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
  const thread = (fields: Record<string, unknown>) => threadScope(String(fields.commentId));
  return {
    reply: intent({
      input: replyInput,
      at: thread,
      run: (input, { db, actor, params, appUrl }) =>
        replyToComment(db, actor, idOf(params), input, { appUrl }),
    }),
    resolve: intent({
      input: threadInput,
      at: thread,
      run: ({ commentId }, { db, actor, params }) =>
        setCommentResolved(db, actor, idOf(params), commentId, true),
    }),
    reopen: intent({
      input: threadInput,
      at: thread,
      run: ({ commentId }, { db, actor, params }) =>
        setCommentResolved(db, actor, idOf(params), commentId, false),
    }),
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
