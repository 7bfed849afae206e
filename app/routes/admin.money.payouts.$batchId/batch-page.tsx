import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { MoneyNav } from "~/components/money/admin-nav";
import { Money } from "~/components/money/money";
import { Button, buttonClass } from "~/components/ui/button";
import { FormError } from "~/components/ui/field";
import { formatDateTime, PageHeader } from "~/components/ui/misc";
import { DataTable } from "~/components/ui/table";
import { errorsFor, isFailure } from "~/lib/intents";
import { PayoutRow } from "./payout-row";
import type { loader } from "./route";

/** One batch: mark all sent or paid at once, or each payout sent, paid or failed. */
export function PayoutBatch() {
  const { batch, payouts, next, totals } = useLoaderData<typeof loader>();
  const result = useActionData();
  const navigation = useNavigation();
  // The whole batch's figures (kept by the database), not this page's.
  const { count, totalMinor: total, toSend, sent } = totals;
  // A failure about one payout shows on its row; anything else (the batch, or a payout that is
  // not on this page) shows above the table.
  const batchError =
    isFailure(result) && !payouts.some((p) => result.id === p.payout.id)
      ? Object.values(result.errors)[0]
      : null;
  return (
    <>
      <PageHeader
        title={`Payout batch of ${formatDateTime(batch.createdAt)}`}
        description={
          <>
            {count} payout{count === 1 ? "" : "s"} ·{" "}
            <Money minor={total} currency={batch.currency} />
            {batch.note ? ` · ${batch.note}` : ""}
          </>
        }
        actions={
          <a
            className={buttonClass("secondary")}
            href={`/admin/money/payouts/${batch.id}/csv`}
            download
          >
            Download CSV
          </a>
        }
      />
      <MoneyNav />
      <FormError message={batchError} />
      <div className="mb-4 flex flex-wrap gap-2">
        {toSend > 0 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="mark-all-sent" />
            <Button type="submit" busy={navigation.formData?.get("intent") === "mark-all-sent"}>
              Mark all {toSend} sent
            </Button>
          </Form>
        ) : null}
        {sent > 0 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="mark-all-paid" />
            <Button type="submit" busy={navigation.formData?.get("intent") === "mark-all-paid"}>
              Mark all {sent} paid
            </Button>
          </Form>
        ) : null}
      </div>
      <DataTable
        caption="Payouts in this batch"
        columns={["Artist", "Amount", "State", "Reference", "Actions"]}
      >
        {payouts.map((row) => (
          <PayoutRow
            key={row.payout.id}
            row={row}
            errors={errorsFor(result, { id: row.payout.id })}
          />
        ))}
      </DataTable>
      {next ? (
        <nav aria-label="Payout pages" className="mt-2 flex justify-end text-sm">
          <Link
            className="text-brand-800 underline"
            to={`?after=${encodeURIComponent(next)}`}
            rel="next"
          >
            Next payouts →
          </Link>
        </nav>
      ) : null}
    </>
  );
}
