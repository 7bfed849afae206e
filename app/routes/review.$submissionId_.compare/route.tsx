import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireActor } from "~/.server/auth/guards";
import { loadOrRespond, readQuery, routeHeaders } from "~/.server/http";
import {
  compareQuery,
  loadSubmissionForReview,
  pickComparison,
  versionsForPage,
} from "~/.server/review/views";
import { CompareView } from "~/components/review/compare-view";

export const headers = routeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Compare versions · ${data?.title ?? "Submission"} · Review · Greenroom` },
];

/** A reviewer compares two versions of a submission; reading it claims nothing. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireActor(request, context, "review:work");
  const query = readQuery(request, compareQuery);
  const detail = await loadOrRespond(() =>
    loadSubmissionForReview(context.db, user, params.submissionId ?? ""),
  );
  const { earlier, later, choices } = pickComparison(versionsForPage(detail), query);
  return { id: detail.submission.id, title: detail.submission.title, earlier, later, choices };
}

export default function CompareForReview() {
  const page = useLoaderData<typeof loader>();
  return (
    <CompareView
      title={page.title}
      backTo={`/review/${page.id}`}
      backLabel="Back to the review"
      choices={page.choices}
      earlier={page.earlier}
      later={page.later}
    />
  );
}
