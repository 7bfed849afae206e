import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, routeHeaders } from "~/.server/http";
import { isoMonth, monthOf, todayUtc } from "~/.server/money/dates";
import { listRateCards, publishRateCard, rateCardInput } from "~/.server/money/rates";
import { recordStipends, STIPEND_MONTHS_BACK } from "~/.server/money/stipends";
import { RatesPage } from "./rates-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Rate card · Money · Admin · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "money:manage");
  const today = todayUtc();
  return {
    series: await listRateCards(context.db, admin, today),
    today,
    month: monthOf(today),
    monthsBack: STIPEND_MONTHS_BACK,
  };
}

const HERE = "/admin/money/rates";

const artists = (n: number) => `${n} artist${n === 1 ? "" : "s"}`;

/** What a stipend run did: who was credited, and who was skipped for want of a rate card. */
function stipendMessage(month: string, result: { credited: number; skipped: number }) {
  const skipped =
    result.skipped === 0
      ? ""
      : ` ${artists(result.skipped)} skipped: no rate card with a stipend in their currency on ${month}-01.`;
  return (
    (result.credited === 0
      ? `Nothing new: every artist due the ${month} stipend already has it.`
      : `Stipend for ${month} credited to ${artists(result.credited)}.`) + skipped
  );
}

// Each form's refusals show on that form; anything else on the rate card's.
export const action = intentAction(
  "money:manage",
  (intent) => ({
    publish: intent({
      input: rateCardInput,
      at: () => ({ form: "publish" }),
      run: (input, { db, actor }) => publishRateCard(db, actor, input),
      then: (card, { flash }) =>
        flash(
          HERE,
          `Published the ${card.currency} rate card in force from ${card.effectiveFrom}.`,
        ),
    }),
    stipends: intent({
      input: z.object({ month: isoMonth }),
      at: () => ({ form: "stipends" }),
      run: ({ month }, { db, actor }) => recordStipends(db, actor, month),
      then: (result, { flash, fields }) =>
        flash(HERE, stipendMessage(String(fields.month), result)),
    }),
  }),
  { unknownAt: { form: "publish" } },
);

export default RatesPage;
