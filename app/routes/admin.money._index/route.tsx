import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, loadOrRespond, routeHeaders } from "~/.server/http";
import { approveContribution, rejectContribution } from "~/.server/money/contributions";
import { approveGrant, cancelGrant } from "~/.server/money/grants";
import { loadMoneyOverview } from "~/.server/money/views";
import { itemInput, reasonField } from "~/lib/validation";
import { MoneyOverview } from "./overview-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Money · Admin · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "money:manage");
  const params = new URL(request.url).searchParams;
  const overview = await loadOrRespond(() =>
    loadMoneyOverview(context.db, admin, {
      balancesAfter: params.get("balances"),
      pendingAfter: params.get("pending"),
      grantsAfter: params.get("grants"),
      figures: context.figures,
    }),
  );
  return { ...overview, me: admin.id };
}

const HERE = "/admin/money";

/** Every form here is about one contribution or grant: a refusal shows on its card. */
const onCard = (fields: Record<string, unknown>) => ({ id: String(fields.id ?? "") });
const withReason = itemInput.extend({ reason: reasonField });

export const action = intentAction("money:manage", (intent) => ({
  "approve-contribution": intent({
    input: itemInput,
    at: onCard,
    run: ({ id }, { db, actor, appUrl }) => approveContribution(db, actor, id, { appUrl }),
    then: (_, { flash }) => flash(HERE, "Approved. The artist's balance has it."),
  }),
  "reject-contribution": intent({
    input: withReason,
    at: onCard,
    run: ({ id, reason }, { db, actor, appUrl }) =>
      rejectContribution(db, actor, id, reason, { appUrl }),
    then: (_, { flash }) => flash(HERE, "Rejected. The artist has the reason."),
  }),
  "approve-grant": intent({
    input: itemInput,
    at: onCard,
    run: ({ id }, { db, actor, appUrl }) => approveGrant(db, actor, id, { appUrl }),
    then: (_, { flash }) => flash(HERE, "Grant approved. It is payable now."),
  }),
  "cancel-grant": intent({
    input: withReason,
    at: onCard,
    run: ({ id, reason }, { db, actor }) => cancelGrant(db, actor, id, reason),
    then: (_, { flash }) => flash(HERE, "Grant cancelled."),
  }),
}));

export default MoneyOverview;
