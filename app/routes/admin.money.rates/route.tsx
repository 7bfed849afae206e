import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, routeHeaders } from "~/.server/http";
import { isoMonth, monthOf, todayUtc } from "~/.server/money/dates";
import { listRateCards, publishRateCard, rateCardInput } from "~/.server/money/rates";
import { recordStipends, STIPEND_MONTHS_BACK } from "~/.server/money/stipends";
import { formatDay } from "~/lib/dates";
import { checkboxValue } from "~/lib/validation";
import type { BackdatedWarning } from "./rate-forms";
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

/** The page's question before a backdated card is published: a 409 on the date, with "Publish anyway". */
function askToConfirm(
  { from, today }: { from: string; today: string },
  fields: Record<string, FormDataEntryValue | FormDataEntryValue[]>,
) {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields))
    if (typeof value === "string" && name !== "intent" && name !== "confirmPast")
      values[name] = value;
  const warning: BackdatedWarning = { from, today, values };
  return data(
    {
      ok: false as const,
      form: "publish",
      errors: {
        effectiveFrom: `${formatDay(from)} is before today (${formatDay(today)}). Items from then that are not yet approved will earn at this card. Check the date, or publish anyway.`,
      },
      backdated: warning,
    },
    { status: 409 },
  );
}

// Each form's refusals show on that form; anything else on the rate card's.
export const action = intentAction(
  "money:manage",
  (intent) => ({
    // A card from a day before today reprices every item of those days not yet approved: it is
    // published only when the form says so ("Publish anyway"); otherwise the page asks, with the
    // values as they were posted so the second press sends the same card.
    publish: intent({
      input: rateCardInput.extend({ confirmPast: checkboxValue }),
      at: () => ({ form: "publish" }),
      run: async ({ confirmPast, ...card }, { db, actor }) => {
        const today = todayUtc();
        if (card.effectiveFrom < today && !confirmPast)
          return { published: null, backdated: { from: card.effectiveFrom, today } };
        return { published: await publishRateCard(db, actor, card), backdated: null };
      },
      then: ({ published, backdated }, { flash, fields }) => {
        if (!published) return askToConfirm(backdated!, fields);
        return flash(
          HERE,
          `Published the ${published.currency} rate card in force from ${formatDay(published.effectiveFrom)}.`,
        );
      },
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
