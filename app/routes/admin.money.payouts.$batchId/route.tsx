import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, loadOrRespond, readQuery, routeHeaders } from "~/.server/http";
import { loadBatch, markBatch, markInput, markPayout } from "~/.server/money/payouts";
import { PayoutBatch } from "./batch-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Payout batch · Money · Admin · Greenroom" }];

const querySchema = z.object({ after: z.string().optional() });

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "money:manage");
  const { after } = readQuery(request, querySchema);
  return loadOrRespond(() => loadBatch(context.db, admin, params.batchId!, { after }));
}

const batchPage = (params: { batchId?: string }) => `/admin/money/payouts/${params.batchId}`;

/** A refusal names the payout it was about (none for the whole batch): its row shows it. */
const onRow = (fields: Record<string, unknown>) => ({ id: String(fields.id ?? "") });

export const action = intentAction("money:manage", (intent) => {
  const markAll = (to: "sent" | "paid") =>
    intent({
      at: onRow,
      run: (_, { db, actor, params, appUrl }) =>
        markBatch(db, actor, params.batchId!, to, { appUrl }),
      then: ({ count }, { flash, params }) =>
        flash(batchPage(params), `${count} payout${count === 1 ? "" : "s"} marked ${to}.`),
    });
  return {
    "mark-all-sent": markAll("sent"),
    "mark-all-paid": markAll("paid"),
    mark: intent({
      input: markInput,
      at: onRow,
      run: (input, { db, actor, params, fields, appUrl }) =>
        markPayout(db, actor, { id: String(fields.id ?? ""), batchId: params.batchId! }, input, {
          appUrl,
        }),
      then: (_, { flash, params, fields }) =>
        flash(
          batchPage(params),
          fields.to === "failed"
            ? "Marked failed. The amount is back in the artist's balance."
            : `Payout marked ${String(fields.to)}.`,
        ),
    }),
  };
});

export default PayoutBatch;
