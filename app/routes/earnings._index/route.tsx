import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, loadOrRespond, readQuery, routeHeaders } from "~/.server/http";
import {
  feedbackInput,
  fileFeedbackReport,
  hoursInput,
  logHours,
} from "~/.server/money/contributions";
import { todayUtc } from "~/.server/money/dates";
import { acceptPromotion, declinePromotion } from "~/.server/money/promotions";
import { loadEarnings } from "~/.server/money/views";
import { formatMinutesAsHours } from "~/lib/money";
import { itemInput } from "~/lib/validation";
import { EarningsPage } from "./earnings-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Earnings · Greenroom" }];

const querySchema = z.object({
  before: z.string().max(40).optional().catch(undefined),
  contributions: z.string().optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const artist = requireActor(request, context, "money:earn");
  const query = readQuery(request, querySchema);
  const earnings = await loadOrRespond(() =>
    loadEarnings(context.db, artist, {
      itemsBefore: query.before,
      contributionsAfter: query.contributions,
    }),
  );
  return {
    ...earnings,
    today: todayUtc(),
    // Fresh keys per rendering: a double click logs one item.
    hoursKey: crypto.randomUUID(),
    reportKey: crypto.randomUUID(),
  };
}

const HERE = "/earnings";
const PROMOTIONS = "/earnings#promotions";

/** A promotion's answer failed: the message shows on that request's card. */
const onRequest = (fields: Record<string, unknown>) => ({ id: String(fields.id ?? "") });

/** Optional: kept to 500 characters, and nothing said is no reason. */
const declineReason = z
  .string()
  .optional()
  .transform((v) => (v ?? "").trim().slice(0, 500) || null);

// The hours and report forms have their own error area; an unknown action shows at the top.
export const action = intentAction(
  "money:earn",
  (intent) => ({
    "log-hours": intent({
      input: hoursInput,
      at: () => ({ form: "log-hours" }),
      run: (input, { db, actor }) => logHours(db, actor, input),
      then: (item, { flash }) =>
        flash(HERE, `Logged ${formatMinutesAsHours(item.minutes ?? 0)}. An admin will approve it.`),
    }),
    "file-report": intent({
      input: feedbackInput,
      at: () => ({ form: "file-report" }),
      run: (input, { db, actor }) => fileFeedbackReport(db, actor, input),
      then: (_, { flash }) => flash(HERE, "Report filed. Thank you: an admin will review it."),
    }),
    "accept-promotion": intent({
      input: itemInput,
      at: onRequest,
      run: ({ id }, { db, actor }) => acceptPromotion(db, actor, id),
      then: (_, { flash }) => flash(PROMOTIONS, "Accepted. The fee is in your balance."),
    }),
    "decline-promotion": intent({
      input: itemInput.extend({ reason: declineReason }),
      at: onRequest,
      run: ({ id, reason }, { db, actor }) => declinePromotion(db, actor, id, reason),
      then: (_, { flash }) => flash(PROMOTIONS, "Declined. The clip will not be used."),
    }),
  }),
  { unknownAt: { form: "page" } },
);

export default EarningsPage;
