import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { cohortInput, listCohorts, saveCohort } from "~/.server/access/cohorts";
import {
  answerInput,
  answerQuotaRequest,
  artistsWithoutAccess,
  openQuotaRequests,
} from "~/.server/access/quota-requests";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, routeHeaders } from "~/.server/http";
import { AccessPage } from "./access-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Generation access · Admin · Greenroom" }];

/** Requests for more seconds, artists with no access yet, and the cohorts invites can name. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "people:manage");
  const [requests, withoutAccess, cohorts] = await Promise.all([
    openQuotaRequests(context.db, admin),
    artistsWithoutAccess(context.db, admin),
    listCohorts(context.db, admin),
  ]);
  return { requests, withoutAccess, cohorts };
}

/** A request's answer shows its refusals on that request's card. */
const onRequest = (fields: Record<string, unknown>) => ({
  id: typeof fields.requestId === "string" ? fields.requestId : "",
});

export const action = intentAction("people:manage", (intent) => ({
  // Grant all, part (fewer seconds than asked) or none (0), with a note for the artist.
  answer: intent({
    input: answerInput.extend({ requestId: z.string().min(1).max(64) }),
    at: onRequest,
    run: ({ requestId, ...input }, { db, actor, context, appUrl }) =>
      answerQuotaRequest(db, context.mailer, actor, requestId, input, appUrl),
    then: (answered, { flash }) =>
      flash(
        "/admin/access",
        answered.state === "declined"
          ? "Request declined; the artist has been told."
          : `${answered.grantedSeconds} s granted for this month; the artist has been told.`,
      ),
  }),
  cohort: intent({
    input: cohortInput,
    at: () => ({ id: "new-cohort" }),
    run: (input, { db, actor }) => saveCohort(db, actor, input),
    then: (cohort, { flash }) =>
      flash("/admin/access", `Cohort “${cohort.name}” created. Invites can name it now.`),
  }),
}));

export default AccessPage;
