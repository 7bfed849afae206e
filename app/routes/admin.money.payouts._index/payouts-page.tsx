import { Form, Link, useLoaderData } from "@remix-run/react";
import { MoneyNav } from "~/components/money/admin-nav";
import { Money } from "~/components/money/money";
import { formatDay } from "~/lib/dates";
import { buttonClass } from "~/components/ui/button";
import { Card, formatDateTime, PageHeader } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { DateField } from "~/components/ui/date-field";
import { NextBatch } from "./next-batch";
import type { loader } from "./route";

/** The next batch (a preview to pay), the batches made so far, and the ledger export. */
export function PayoutsPage() {
  const { preview, batches, nextBatches, batchKey, today, monthStart } =
    useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Payouts"
        description="A batch pays every approved, unpaid balance in one currency. Creating it takes the amounts out of the balances; a failed payout puts them back."
      />
      <MoneyNav />
      <NextBatch preview={preview} batchKey={batchKey} />
      <section aria-labelledby="all-batches" className="mb-8">
        <h2 id="all-batches" className="mb-3 text-lg font-semibold">
          Batches
        </h2>
        {batches.length === 0 ? (
          <p className="text-sm text-stone-600">No batches yet.</p>
        ) : (
          <DataTable
            caption="Payout batches, newest first"
            columns={["Created", "Note", "Payouts", "Total", "Open", "Failed"]}
          >
            {batches.map((b) => (
              <tr key={b.batch.id} className={rowClass}>
                <td className={cellClass}>
                  <Link
                    className="text-brand-800 underline"
                    to={`/admin/money/payouts/${b.batch.id}`}
                  >
                    {formatDateTime(b.batch.createdAt)}
                  </Link>
                </td>
                <td className={cellClass}>{b.batch.note ?? "—"}</td>
                <td className={cellClass}>{b.count}</td>
                <td className={cellClass}>
                  <Money minor={b.total} currency={b.batch.currency} />
                </td>
                <td className={cellClass}>{b.open}</td>
                <td className={cellClass}>{b.failed}</td>
              </tr>
            ))}
          </DataTable>
        )}
        {nextBatches ? (
          <nav aria-label="Batch pages" className="mt-2 flex justify-end text-sm">
            <Link
              className="text-brand-800 underline"
              to={`?currency=${preview.currency}&after=${encodeURIComponent(nextBatches)}#all-batches`}
              rel="next"
            >
              Older batches →
            </Link>
          </nav>
        ) : null}
      </section>
      <section aria-labelledby="ledger-export" className="max-w-xl">
        <Card>
          <h2 id="ledger-export" className="mb-1 text-lg font-semibold">
            Ledger export
          </h2>
          <p className="mb-3 text-sm text-stone-600">
            Every ledger entry dated in the period, as CSV for finance.
          </p>
          <Form method="get" action="/admin/money/ledger.csv" reloadDocument className="space-y-4">
            <div className="grid gap-4 sm:grid-cols-2">
              <DateField
                label="From"
                name="from"
                defaultValue={monthStart}
                hint="First day of the period."
                required
              />
              <DateField
                label="To"
                name="to"
                defaultValue={today}
                hint={`Last day, included; today is ${formatDay(today)}.`}
                required
              />
            </div>
            <button type="submit" className={buttonClass("secondary")}>
              Download ledger CSV
            </button>
          </Form>
        </Card>
      </section>
    </>
  );
}
