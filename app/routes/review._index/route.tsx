import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { loadOrRespond, readQuery, routeHeaders } from "~/.server/http";
import { listReviewQueue, queueFilters } from "~/.server/review/queue";
import { QueuePage } from "./queue-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Review queue · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireActor(request, context, "review:work");
  const filters = readQuery(request, queueFilters);
  return loadOrRespond(async () => {
    const queue = await listReviewQueue(context.db, user, filters, {
      now: new Date(),
      targetHours: context.env.REVIEW_TARGET_HOURS,
      figures: context.figures,
    });
    return { ...queue, filters, targetHours: context.env.REVIEW_TARGET_HOURS };
  });
}

export default QueuePage;
