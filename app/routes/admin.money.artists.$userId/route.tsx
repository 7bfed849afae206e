import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { intentAction, loadOrRespond, readQuery, routeHeaders } from "~/.server/http";
import { reverseEntry } from "~/.server/money/ledger";
import { currencyField, setPayoutCurrency } from "~/.server/money/rates";
import { loadArtistStatement } from "~/.server/money/views";
import { itemInput, reasonField } from "~/lib/validation";
import { ArtistStatement } from "./statement-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Artist statement · Money · Admin · Greenroom" }];

const querySchema = z.object({
  before: z.string().max(40).optional().catch(undefined),
});

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "money:manage");
  const { before } = readQuery(request, querySchema);
  return loadOrRespond(() => loadArtistStatement(context.db, admin, params.userId!, { before }));
}

const statementOf = (params: { userId?: string }) => `/admin/money/artists/${params.userId}`;

/** A ledger entry's id as the form sends it; anything but a positive integer is no entry. */
function entryId(id: string) {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UserError("That ledger entry does not exist.", 404);
  return n;
}

export const action = intentAction("money:manage", (intent) => ({
  currency: intent({
    input: z.object({ currency: currencyField }),
    at: () => ({ id: "currency" }),
    run: ({ currency }, { db, actor, params }) =>
      setPayoutCurrency(db, actor, params.userId!, currency),
    then: (_, { flash, params, fields }) =>
      flash(
        statementOf(params),
        `Paid in ${String(fields.currency)} from now on. Earlier items keep their currency.`,
      ),
  }),
  // A refusal shows on the entry's row (or above the statement when it is not on this page).
  reverse: intent({
    input: itemInput.extend({ reason: reasonField }),
    at: (fields) => ({ id: String(fields.id ?? "") }),
    run: ({ id, reason }, { db, actor, params }) =>
      reverseEntry(db, actor, { id: entryId(id), userId: params.userId! }, reason),
    then: (_, { flash, params }) =>
      flash(statementOf(params), "Reversed. The statement shows both entries."),
  }),
}));

export default ArtistStatement;
