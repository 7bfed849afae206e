import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import type { ShouldRevalidateFunction } from "@remix-run/react";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, loadOrRespond, routeHeaders } from "~/.server/http";
import { waiting } from "~/.server/review/queue";
import {
  addComment,
  claimSubmission,
  commentInput,
  decide,
  decisionInput,
  releaseClaim,
  renewClaim,
  shouldClaimOnOpen,
} from "~/.server/review/reviewing";
import { loadSubmissionForReview } from "~/.server/review/views";
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
      currentVersion: s.currentVersion,
      approvals: s.approvals,
      approvalsNeeded: s.approvalsNeeded,
      submittedAt: s.submittedAt,
      claimExpiresAt: s.claimExpiresAt,
      claimHolder: s.claimHolder,
      ...waiting(s.submittedAt, now, context.env.REVIEW_TARGET_HOURS),
    },
    alreadyApproved: s.approvedBy.includes(user.id) && open,
    claimOnOpen: shouldClaimOnOpen(s, user.id, now),
    mine,
    canRelease: !mine && user.role === "admin" && held,
    versions: detail.versions.map((v) => ({
      number: v.number,
      clipId: v.clipId,
      note: v.note,
      createdAt: v.createdAt,
      prompt: v.prompt,
      durationSeconds: v.durationSeconds,
      comments: detail.comments.filter((c) => c.version === v.number),
    })),
    current: detail.versions.find((v) => v.number === s.currentVersion)!.number,
    timeline: detail.timeline,
    checklist: checklistFrom(context.env.REVIEW_CHECKLIST),
    targetHours: context.env.REVIEW_TARGET_HOURS,
    // New with every load, so each comment form sends its own key (a resend stores one comment).
    commentKey: crypto.randomUUID(),
  };
}

/** A background renewal changes nothing on the page: nothing to reload. */
export const shouldRevalidate: ShouldRevalidateFunction = ({
  formData,
  defaultShouldRevalidate,
}) => (formData?.get("intent") === "renew" ? false : defaultShouldRevalidate);

const DECIDED: Partial<Record<SubmissionState, string>> = {
  in_review: "Approval recorded: 1 of 2. It waits for a second reviewer.",
  approved: "Approved. The artist has been told.",
  rejected: "Rejected. The artist has been told why.",
};

export const action = intentAction("review:work", (intent) => {
  const idOf = (params: { submissionId?: string }) => params.submissionId ?? "";
  return {
    claim: intent({
      run: (_, { db, actor, params }) => claimSubmission(db, actor, idOf(params)),
      then: (_, { params }) => redirect(`/review/${idOf(params)}`),
    }),
    renew: intent({
      run: (_, { db, actor, params }) => renewClaim(db, actor, idOf(params)),
      // The claim's page keeps its data: the fetcher learns only until when the claim holds.
      then: ({ expiresAt }) => ({ ok: true as const, intent: "renew", expiresAt }),
    }),
    release: intent({
      run: (_, { db, actor, params }) => releaseClaim(db, actor, idOf(params)),
      then: (_, { flash }) =>
        flash("/review", "Claim released: the item is back in the queue.", "info"),
    }),
    comment: intent({
      input: commentInput,
      run: (input, { db, actor, params, appUrl }) =>
        addComment(db, actor, idOf(params), input, { appUrl }),
    }),
    decide: intent({
      input: decisionInput,
      lists: ["checklist"],
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
