import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, loadOrRespond, routeHeaders } from "~/.server/http";
import {
  addComment,
  commentInput,
  replyInput,
  replyToComment,
  setCommentResolved,
  threadInput,
} from "~/.server/review/comments";
import { waiting } from "~/.server/review/queue";
import {
  claimSubmission,
  decide,
  decisionInput,
  releaseClaim,
  renewClaim,
  shouldClaimOnOpen,
} from "~/.server/review/reviewing";
import { loadSubmissionForReview, versionsForPage } from "~/.server/review/views";
import { threadScope } from "~/components/review/comment-thread";
import { checklistFrom, type SubmissionState } from "~/lib/review";
import { ReviewItemPage } from "./review-item-page";

export const headers = routeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.submission.title ?? "Submission"} · Review · Greenroom` },
];

/**
 * Reading never claims: a GET changes nothing (a link on another site could trigger it). The page
 * posts the claim itself when it opens, if the domain says this viewer should hold it.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireActor(request, context, "review:work");
  const detail = await loadOrRespond(() =>
    loadSubmissionForReview(context.db, user, params.submissionId ?? ""),
  );
  const now = new Date();
  const s = detail.submission;
  const mine = s.claimedBy === user.id && s.claimExpiresAt !== null && s.claimExpiresAt > now;
  const held = s.claimHolder !== null && !!s.claimExpiresAt && s.claimExpiresAt > now;
  const open = s.state === "pending" || s.state === "in_review";
  return {
    submission: {
      id: s.id,
      title: s.title,
      description: s.description,
      intendedUse: s.intendedUse,
      channels: s.channels,
      state: s.state,
      artist: s.artist,
      artistSuspended: s.artistSuspended,
      currentVersion: s.currentVersion,
      approvals: s.approvals,
      approvalsNeeded: s.approvalsNeeded,
      submittedAt: s.submittedAt,
      claimExpiresAt: held ? s.claimExpiresAt : null,
      claimHolder: held ? s.claimHolder : null,
      ...waiting(s.submittedAt, now, context.env.REVIEW_TARGET_HOURS),
    },
    // An admin released this viewer's claim: it holds until they claim again (ADR 0019).
    released:
      s.claimReleasedFrom === user.id && open
        ? { by: s.claimReleaser ?? "An admin", at: s.claimReleasedAt }
        : null,
    alreadyApproved: s.approvedBy.includes(user.id) && open,
    claimOnOpen: shouldClaimOnOpen(s, user.id, now),
    mine,
    canRelease: !mine && user.role === "admin" && held,
    versions: versionsForPage(detail),
    current: s.currentVersion,
    timeline: detail.timeline,
    checklist: checklistFrom(context.env.REVIEW_CHECKLIST),
    targetHours: context.env.REVIEW_TARGET_HOURS,
    // New with every load, so each comment and reply sends its own key (a resend stores one).
    commentKey: crypto.randomUUID(),
    replyKey: crypto.randomUUID(),
  };
}

/**
 * A background renewal changes nothing on the page: nothing to reload. A refusal over the claim
 * (409) does: the page must show who holds the item now, not "You are reviewing this".
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({
  formData,
  actionStatus,
  defaultShouldRevalidate,
}) => {
  if (actionStatus === 409) return true;
  return formData?.get("intent") === "renew" ? false : defaultShouldRevalidate;
};

const DECIDED: Partial<Record<SubmissionState, string>> = {
  in_review: "Approval recorded: 1 of 2. It waits for a second reviewer.",
  approved: "Approved. The artist has been told.",
  rejected: "Rejected. The artist has been told why.",
};

export const action = intentAction("review:work", (intent) => {
  const idOf = (params: { submissionId?: string }) => params.submissionId ?? "";
  const claimScope = () => ({ form: "claim" });
  const thread = (fields: Record<string, unknown>) => threadScope(String(fields.commentId));
  return {
    claim: intent({
      at: claimScope,
      run: (_, { db, actor, params, fields }) =>
        claimSubmission(db, actor, idOf(params), { onOpen: fields.onOpen === "1" }),
      then: (_, { params }) => redirect(`/review/${idOf(params)}`),
    }),
    renew: intent({
      run: (_, { db, actor, params }) => renewClaim(db, actor, idOf(params)),
      // The claim's page keeps its data: the fetcher learns only until when the claim holds.
      then: ({ expiresAt }) => ({ ok: true as const, intent: "renew", expiresAt }),
    }),
    release: intent({
      at: claimScope,
      run: (_, { db, actor, params }) => releaseClaim(db, actor, idOf(params)),
      then: (_, { flash }) =>
        flash("/review", "Claim released: the item is back in the queue.", "info"),
    }),
    comment: intent({
      input: commentInput,
      at: () => ({ form: "comment" }),
      run: (input, { db, actor, params, appUrl }) =>
        addComment(db, actor, idOf(params), input, { appUrl }),
    }),
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
    decide: intent({
      input: decisionInput,
      lists: ["checklist", "failed"],
      at: () => ({ form: "decision" }),
      run: (input, { db, actor, params, appUrl, context }) =>
        decide(db, actor, idOf(params), input, {
          checklist: checklistFrom(context.env.REVIEW_CHECKLIST),
          appUrl,
        }),
      then: ({ state }, { flash }) =>
        flash(
          "/review",
          DECIDED[state] ?? "Changes requested. The artist has been told what to change.",
        ),
    }),
  };
});

export default ReviewItemPage;
