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
import { currencyField } from "~/.server/money/rates";
import {
  batchInput,
  clearDraftExclusions,
  createBatch,
  draftArtistInput,
  previewBatch,
  setDraftExclusion,
} from "~/.server/money/payouts";
import { listBatches } from "~/.server/money/views";
import { CURRENCIES, DEFAULT_CURRENCY, formatMoney } from "~/lib/money";
import { BATCH_FORM } from "./next-batch";
import { PayoutsPage } from "./payouts-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Payouts · Money · Admin · Greenroom" }];

const querySchema = z.object({
  currency: z.enum(CURRENCIES).catch(DEFAULT_CURRENCY),
  after: z.string().optional(),
  // The preview's own page (in name order); `after` pages the batch list.
  payees: z.string().optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "money:manage");
  const { currency, after, payees } = readQuery(request, querySchema);
  const [preview, batches] = await loadOrRespond(() =>
    Promise.all([
      previewBatch(context.db, admin, currency, { after: payees }),
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
 * The preview's form: the batch pays everyone owed but those left out of the draft (each row's
 * "Leave out" is stored on the draft, not ticked in a form of every artist). Beside it, what the
 * preview promised (payees, total, the newest entry it had seen): the batch pays that or nothing.
 */
const batchForm = z.preprocess((value) => {
  const { payees, totalMinor, through, ...fields } = value as Record<string, unknown>;
  return { ...fields, previewed: { payees, totalMinor, through } };
}, batchInput);

const HERE = "/admin/money/payouts";
const previewOf = (currency: string) => `${HERE}?currency=${currency}#preview`;

export const action = intentAction("money:manage", (intent) => ({
  // A refused batch (balances moved since the preview, a hand-edited form) is the batch form's:
  // the page then hides the preview it was made from and offers a fresh one (next-batch.tsx).
  [DEFAULT_INTENT]: intent({
    input: batchForm,
    at: () => ({ form: BATCH_FORM }),
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
  exclude: intent({
    input: draftArtistInput,
    at: (fields) => ({ id: String(fields.userId ?? "") }),
    run: (input, { db, actor }) => setDraftExclusion(db, actor, input, true),
    then: ({ name }, { flash, fields }) =>
      flash(previewOf(String(fields.currency)), `${name} is left out of the next batch.`),
  }),
  include: intent({
    input: draftArtistInput,
    at: (fields) => ({ id: String(fields.userId ?? "") }),
    run: (input, { db, actor }) => setDraftExclusion(db, actor, input, false),
    then: ({ name }, { flash, fields }) =>
      flash(previewOf(String(fields.currency)), `${name} is back in the next batch.`),
  }),
  "include-all": intent({
    input: z.object({ currency: currencyField }),
    run: ({ currency }, { db, actor }) => clearDraftExclusions(db, actor, currency),
    then: ({ count }, { flash, fields }) =>
      flash(
        previewOf(String(fields.currency)),
        `${count} artist${count === 1 ? " is" : "s are"} back in the next batch.`,
      ),
  }),
}));

export default PayoutsPage;
