import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import {
  loadOrRespond,
  itemFailure,
  itemParseFailure,
  readForm,
  routeHeaders,
} from "~/.server/http";
import { redirectWithFlash } from "~/.server/flash";
import { reverseEntry } from "~/.server/money/ledger";
import { currencyField, setPayoutCurrency } from "~/.server/money/rates";
import { loadArtistStatement } from "~/.server/money/views";
import { MoneyNav } from "~/components/money/admin-nav";
import { StatementSummary, StatementTable } from "~/components/money/money";
import { Button } from "~/components/ui/button";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, SelectField, TextAreaField } from "~/components/ui/field";
import { Card, EmptyState, PageHeader } from "~/components/ui/misc";
import { CURRENCIES } from "~/lib/money";
import { reasonField } from "~/lib/validation";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Artist statement · Money · Admin · Greenroom" }];

const query = z.object({ before: z.coerce.number().int().positive().optional().catch(undefined) });

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const { before } = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return loadOrRespond(async () => {
    return await loadArtistStatement(
      context.db,
      actingUser(request, context, user),
      params.userId!,
      {
        before,
      },
    );
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const admin = actingUser(request, context, user);
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  const intent = String(form.get("intent") ?? "");
  const here = `/admin/money/artists/${params.userId}`;
  try {
    if (intent === "currency") {
      const parsed = z.object({ currency: currencyField }).safeParse(Object.fromEntries(form));
      if (!parsed.success) return itemParseFailure(parsed.error, "currency");
      await setPayoutCurrency(context.db, admin, params.userId!, parsed.data.currency);
      return redirectWithFlash(context, here, {
        kind: "success",
        message: `Paid in ${parsed.data.currency} from now on. Earlier items keep their currency.`,
      });
    }
    if (intent === "reverse") {
      const entryId = Number(form.get("id"));
      if (!Number.isSafeInteger(entryId) || entryId <= 0)
        throw new UserError("That ledger entry does not exist.", 404);
      const reason = reasonField.safeParse(form.get("reason") ?? "");
      if (!reason.success) throw new UserError(reason.error.issues[0]!.message, 422, "reason");
      await reverseEntry(context.db, admin, { id: entryId, userId: params.userId! }, reason.data);
      return redirectWithFlash(context, here, {
        kind: "success",
        message: "Reversed. The statement shows both entries.",
      });
    }
    throw new UserError("Unknown action.", 400);
  } catch (error) {
    return itemFailure(error, intent === "currency" ? "currency" : String(form.get("id")));
  }
}

type Failure = { ok: false; errors: Record<string, string>; id?: string };

/** Earnings and grants not yet reversed carry a "Reverse" action. */
const reversible = (item: { kind: string; status: string | null }) =>
  (item.kind === "earning" || item.kind === "grant") && item.status !== "reversed";

export default function ArtistStatement() {
  const { artist, totals, statement, currency } = useLoaderData<typeof loader>();
  const result = useActionData<Failure>();
  const currencyErrors = result?.ok === false && result.id === "currency" ? result.errors : {};
  // A failure about an entry not on this page (or an unknown action) shows above the statement.
  const pageError =
    result?.ok === false &&
    result.id !== "currency" &&
    !statement.items.some((item) => reversible(item) && String(item.id) === result.id)
      ? Object.values(result.errors)[0]
      : null;
  return (
    <>
      <PageHeader
        title={artist.name || artist.email}
        description="This artist's statement exactly as they see it, with corrections by reversal."
      />
      <MoneyNav />
      <FormError message={pageError} />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,1fr)]">
        <div className="space-y-6">
          {totals.length === 0 ? (
            <EmptyState title="Nothing in the ledger yet" />
          ) : (
            <StatementSummary totals={totals} />
          )}
          {statement.items.length > 0 ? (
            <StatementTable
              items={statement.items}
              olderHref={statement.nextBefore ? `?before=${statement.nextBefore}` : null}
              actions={(item) => {
                if (!reversible(item)) return null;
                const errors =
                  result?.ok === false && result.id === String(item.id) ? result.errors : {};
                return (
                  <>
                    <FormError message={errors.form} />
                    <ConfirmFormDialog
                      trigger="Reverse"
                      title="Reverse this entry?"
                      triggerVariant="secondary"
                      fields={{ intent: "reverse", id: item.id }}
                      confirmLabel="Reverse"
                      cancelLabel="Keep it"
                    >
                      <p className="text-sm text-stone-700">
                        A reversal adds the opposite amount; the entry itself stays.{" "}
                        {item.description}
                      </p>
                      <TextAreaField
                        label="Reason"
                        name="reason"
                        rows={2}
                        required
                        error={errors.reason}
                      />
                    </ConfirmFormDialog>
                  </>
                );
              }}
            />
          ) : null}
        </div>
        <Card>
          <h2 className="mb-3 text-lg font-semibold">Paid in</h2>
          <Form method="post" className="space-y-4">
            <input type="hidden" name="intent" value="currency" />
            <FormError message={currencyErrors.form} />
            <SelectField
              label="Currency"
              name="currency"
              defaultValue={currency}
              error={currencyErrors.currency}
              options={CURRENCIES.map((c) => ({ value: c, label: c }))}
              hint="New contributions earn at this currency's rate card."
            />
            <Button type="submit" variant="secondary">
              Save
            </Button>
          </Form>
        </Card>
      </div>
    </>
  );
}
