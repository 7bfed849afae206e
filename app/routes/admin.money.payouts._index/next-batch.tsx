import { Form, type useLoaderData, useNavigation } from "@remix-run/react";
import { Money } from "~/components/money/money";
import { Button } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { FilterTabs } from "~/components/ui/filters";
import { Card, EmptyState } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { useIntentErrors } from "~/components/use-intent-errors";
import { CURRENCIES } from "~/lib/money";
import type { loader } from "./route";

type Preview = ReturnType<typeof useLoaderData<typeof loader>>["preview"];

/**
 * Who the next batch in a currency would pay, each ticked with the amount the preview showed:
 * the form that creates it. A refusal shows under the note.
 */
export function NextBatch({ preview, batchKey }: { preview: Preview; batchKey: string }) {
  const errors = useIntentErrors();
  const navigation = useNavigation();
  return (
    <section aria-labelledby="preview" className="mb-8">
      <h2 id="preview" className="mb-3 text-lg font-semibold">
        Next batch
      </h2>
      <div className="mb-3">
        <FilterTabs
          label="Currency"
          param="currency"
          values={CURRENCIES}
          current={preview.currency}
          allLabel={null}
        />
      </div>
      {preview.rows.length === 0 ? (
        <EmptyState title={`Nobody is owed anything in ${preview.currency}`}>
          Approved contributions, accepted promotions and approved grants make balances.
        </EmptyState>
      ) : (
        <Form method="post" className="space-y-4">
          <input type="hidden" name="batchKey" value={batchKey} />
          <input type="hidden" name="currency" value={preview.currency} />
          <DataTable
            caption={`Balances in ${preview.currency} the batch would pay`}
            columns={["Include", "Artist", "Amount"]}
          >
            {preview.rows.map((row) => (
              <tr key={row.userId} className={rowClass}>
                <td className={cellClass}>
                  <input type="hidden" name={`expected.${row.userId}`} value={row.balanceMinor} />
                  <input
                    type="checkbox"
                    name="userIds"
                    value={row.userId}
                    defaultChecked
                    aria-label={`Include ${row.name || row.email}`}
                    className="size-4"
                  />
                </td>
                <td className={cellClass}>
                  {row.name || row.email}
                  <span className="block text-xs text-stone-600">{row.email}</span>
                </td>
                <td className={cellClass}>
                  <Money minor={row.balanceMinor} currency={preview.currency} />
                </td>
              </tr>
            ))}
          </DataTable>
          <p className="text-sm text-stone-700">
            Total:{" "}
            <strong>
              <Money minor={preview.totalMinor} currency={preview.currency} />
            </strong>{" "}
            to {preview.rows.length} artist{preview.rows.length === 1 ? "" : "s"} (untick anyone to
            leave out).
          </p>
          <Card>
            <TextField
              label="Note (optional)"
              name="note"
              placeholder="November payouts"
              error={errors.note}
            />
            <FormError
              message={
                errors.form ??
                errors.userIds ??
                errors.currency ??
                errors.batchKey ??
                errors.expected
              }
            />
            <div className="mt-3">
              <Button type="submit" busy={navigation.state === "submitting"}>
                Create batch
              </Button>
            </div>
          </Card>
        </Form>
      )}
    </section>
  );
}
