import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import {
  DEFAULT_INTENT,
  intentAction,
  loadOrRespond,
  readQuery,
  routeHeaders,
} from "~/.server/http";
import { todayUtc } from "~/.server/money/dates";
import { batchInput, createBatch, previewBatch } from "~/.server/money/payouts";
import { listBatches } from "~/.server/money/views";
import { CURRENCIES, DEFAULT_CURRENCY, formatMoney } from "~/lib/money";
import { PayoutsPage } from "./payouts-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Payouts · Money · Admin · Greenroom" }];

const querySchema = z.object({
  currency: z.enum(CURRENCIES).catch(DEFAULT_CURRENCY),
  after: z.string().optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "money:manage");
  const { currency, after } = readQuery(request, querySchema);
  const [preview, batches] = await loadOrRespond(() =>
    Promise.all([
      previewBatch(context.db, admin, currency),
      listBatches(context.db, admin, { after }),
    ]),
  );
  return {
    preview,
    batches: batches.rows,
    nextBatches: batches.next,
    today: todayUtc(),
    monthStart: `${todayUtc().slice(0, 7)}-01`,
    // A fresh key per rendering: pressing "Create batch" twice makes one batch.
    batchKey: crypto.randomUUID(),
  };
}

/**
 * The preview's form. Its ticks are always a list, so unticking everyone pays nobody rather than
 * everybody; beside each, the amount the preview showed (expected.<userId>): the batch pays it or
 * nothing.
 */
const batchForm = z.preprocess((value) => {
  const fields = value as Record<string, unknown>;
  const expected: Record<string, number> = {};
  for (const [name, field] of Object.entries(fields))
    if (name.startsWith("expected.") && typeof field === "string" && /^\d{1,15}$/.test(field))
      expected[name.slice("expected.".length)] = Number(field);
  return {
    ...fields,
    userIds: fields.userIds ?? [],
    expected: Object.keys(expected).length ? expected : undefined,
  };
}, batchInput);

export const action = intentAction("money:manage", (intent) => ({
  [DEFAULT_INTENT]: intent({
    input: batchForm,
    lists: ["userIds"],
    run: (input, { db, actor }) => createBatch(db, actor, input),
    then: ({ batch, payouts, created }, { flash }) => {
      const count = `${payouts.length} payout${payouts.length === 1 ? "" : "s"}`;
      const total = formatMoney(
        payouts.reduce((s, p) => s + p.amountMinor, 0),
        batch.currency,
      );
      return flash(
        `/admin/money/payouts/${batch.id}`,
        created
          ? `Batch created: ${count}, ${total}. Send them, then mark them sent.`
          : "This batch was already created; here it is.",
      );
    },
  }),
}));

export default PayoutsPage;
