import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { readQuery, sendOrRefuse, textDownload } from "~/.server/http";
import { exportComments, exportQuery } from "~/.server/review/exports";

// A version's comments as a download: CSV, or markers for an editor's timeline (?format=csv|edl|
// avid, ?version=n, ?start=HH:MM:SS:FF). Refusals are plain text with their 4xx.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const actor = requireActor(request, context, "review:work");
  const query = readQuery(request, exportQuery);
  return sendOrRefuse(
    () => exportComments(context.db, actor, params.submissionId ?? "", query),
    textDownload,
  );
}
