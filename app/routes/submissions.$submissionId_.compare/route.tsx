import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { requireActor } from "~/.server/auth/guards";
import { loadOrRespond, readQuery, routeHeaders } from "~/.server/http";
import {
  compareQuery,
  loadOwnSubmission,
  pickComparison,
  versionsForPage,
} from "~/.server/review/views";
import { CompareView } from "~/components/review/compare-view";

export const headers = routeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Compare versions · ${data?.title ?? "Submission"} · Submissions · Greenroom` },
];

/** The artist compares two versions of their own submission, with the reviewers' comments. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requireActor(request, context, "studio:use");
  const query = readQuery(request, compareQuery);
  const detail = await loadOrRespond(() =>
    loadOwnSubmission(context.db, user, params.submissionId ?? ""),
  );
  const { earlier, later, choices } = pickComparison(versionsForPage(detail), query);
  return { id: detail.submission.id, title: detail.submission.title, earlier, later, choices };
}

export default function CompareOwn() {
  const page = useLoaderData<typeof loader>();
  return (
    <CompareView
      title={page.title}
      backTo={`/submissions/${page.id}`}
      backLabel="Back to the submission"
      choices={page.choices}
      earlier={page.earlier}
      later={page.later}
    />
  );
}
