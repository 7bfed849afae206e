import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { loadOrRespond, readQuery, routeHeaders } from "~/.server/http";
import { listOwnSubmissions, publishedReviewTimes } from "~/.server/review/views";
import { SUBMISSION_STATES } from "~/lib/review";
import { SubmissionsPage } from "./submissions-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Submissions · Greenroom" }];

const query = z.object({
  state: z.enum(SUBMISSION_STATES).optional().catch(undefined),
  after: z.string().optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireActor(request, context, "studio:use");
  const filters = readQuery(request, query);
  return loadOrRespond(async () => {
    const [list, times] = await Promise.all([
      listOwnSubmissions(context.db, user, filters),
      publishedReviewTimes(context.db, context.figures),
    ]);
    return { ...list, times, filters, targetHours: context.env.REVIEW_TARGET_HOURS };
  });
}

export default SubmissionsPage;
