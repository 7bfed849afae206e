import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, routeHeaders } from "~/.server/http";
import { askPromotion, promotionInput, withdrawPromotion } from "~/.server/money/promotions";
import { listPromotions, moneyFormChoices } from "~/.server/money/views";
import { itemInput } from "~/lib/validation";
import { PromotionsPage } from "./promotions-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Promotional use · Money · Admin · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "money:manage");
  const [promotions, choices] = await Promise.all([
    listPromotions(context.db, admin),
    moneyFormChoices(context.db, admin),
  ]);
  return { promotions, clips: choices.approvedClips, requestKey: crypto.randomUUID() };
}

const HERE = "/admin/money/promotions";

// The ask form's refusals show on the form; a withdrawal's on the request's own row.
export const action = intentAction("money:manage", (intent) => ({
  ask: intent({
    input: promotionInput,
    lists: ["channels"],
    at: () => ({ id: "ask" }),
    run: (input, { db, actor, appUrl }) => askPromotion(db, actor, input, { appUrl }),
    then: (_, { flash }) => flash(HERE, "Asked. The clip is used only if the artist accepts."),
  }),
  withdraw: intent({
    input: itemInput,
    at: (fields) => ({ id: String(fields.id ?? "") }),
    run: ({ id }, { db, actor }) => withdrawPromotion(db, actor, id),
    then: (_, { flash }) => flash(HERE, "Request withdrawn."),
  }),
}));

export default PromotionsPage;
