import { useActionData, useLoaderData } from "@remix-run/react";
import { MoneyNav } from "~/components/money/admin-nav";
import { StatementSummary, StatementTable } from "~/components/money/money";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, TextAreaField } from "~/components/ui/field";
import { EmptyState, PageHeader } from "~/components/ui/misc";
import { errorsFor, isFailure } from "~/lib/intents";
import { PayoutCurrencyForm } from "./payout-currency-form";
import type { loader } from "./route";

/** Earnings and grants not yet reversed carry a "Reverse" action. */
const reversible = (item: { kind: string; status: string | null }) =>
  (item.kind === "earning" || item.kind === "grant") && item.status !== "reversed";

/** One artist's statement as they see it, with a "Reverse" per entry and their payout currency. */
export function ArtistStatement() {
  const { artist, totals, statement, currency } = useLoaderData<typeof loader>();
  const result = useActionData();
  // A failure about an entry not on this page (or an unknown action) shows above the statement.
  const pageError =
    isFailure(result) &&
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
              olderHref={
                statement.nextBefore ? `?before=${encodeURIComponent(statement.nextBefore)}` : null
              }
              actions={(item) => {
                if (!reversible(item)) return null;
                const errors = errorsFor(result, { id: String(item.id) });
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
        <PayoutCurrencyForm currency={currency} />
      </div>
    </>
  );
}
