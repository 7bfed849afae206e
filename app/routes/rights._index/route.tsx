import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { DEFAULT_INTENT, intentAction, routeHeaders } from "~/.server/http";
import { requestRights, rightsRequestInput, todayUtc } from "~/.server/rights/requests";
import { listOwnRights, requestableSubmissions } from "~/.server/rights/views";
import { RightsPage } from "./rights-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Rights · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const artist = requireActor(request, context, "studio:use");
  const [rights, requestable] = await Promise.all([
    listOwnRights(context.db, artist),
    requestableSubmissions(context.db, artist),
  ]);
  const wanted = new URL(request.url).searchParams.get("submission");
  return {
    rights,
    requestable,
    selected: requestable.some((s) => s.id === wanted) ? wanted : null,
    today: todayUtc(),
    trusted: artist.trustTier === "trusted",
    // A fresh key per rendering of the form: a double click sends one request.
    requestKey: crypto.randomUUID(),
  };
}

/** The submission the form asks about: once the terms are right, an empty choice is said. */
function chosenSubmission(fields: Record<string, unknown>) {
  const id = String(fields.submissionId ?? "");
  if (!id) throw new UserError("Choose a submission.", 422, "submissionId");
  return id;
}

export const action = intentAction("studio:use", (intent) => ({
  [DEFAULT_INTENT]: intent({
    input: rightsRequestInput,
    lists: ["platforms", "countries"],
    run: (terms, { db, actor, fields, appUrl }) =>
      requestRights(db, actor, chosenSubmission(fields), terms, { appUrl }),
    then: ({ license }, { flash }) =>
      flash(
        "/rights",
        license
          ? `Granted at once (trusted tier): license ${license.code}.`
          : "Request sent. An admin will answer it; you will be told by email.",
      ),
  }),
}));

export default RightsPage;
