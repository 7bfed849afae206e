import { Form, Link, type useLoaderData, useActionData, useNavigation } from "@remix-run/react";
import { Money } from "~/components/money/money";
import { Button, buttonClass } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { FilterTabs } from "~/components/ui/filters";
import { Card, EmptyState } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { useIntentErrors } from "~/components/use-intent-errors";
import { errorsFor, isFailure } from "~/lib/intents";
import { CURRENCIES } from "~/lib/money";
import type { loader } from "./route";

/** The scope of the "Create batch" form's refusals. */
export const BATCH_FORM = "batch";

type Preview = ReturnType<typeof useLoaderData<typeof loader>>["preview"];

/**
 * Who the next batch in a currency would pay, a page at a time: everyone owed, less those an
 * admin left out (stored on the draft, so it holds across pages and admins). The batch pays the
 * count and total shown, or nothing. A refusal shows under the note, or on the artist's row.
 */
export function NextBatch({ preview, batchKey }: { preview: Preview; batchKey: string }) {
  const errors = useIntentErrors();
  const result = useActionData();
  const navigation = useNavigation();
  const owed = preview.payees + preview.excludedCount;
  const rowError = isFailure(result) && result.id ? Object.values(result.errors)[0] : null;
  // A refused batch means the preview on screen is not what would be paid (or the form was not
  // this page's): its rows are not shown again, only why, and a fresh preview. A note too long
  // stays on the form, beside the note.
  const batchErrors = errorsFor(result, { form: BATCH_FORM });
  const refused =
    Object.keys(batchErrors).length > 0 && !batchErrors.note
      ? Object.values(batchErrors)[0]!
      : null;
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
      {refused ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-sm">
          <p className="font-semibold text-red-900">The batch was not created; nothing was paid.</p>
          <p className="mt-1 text-red-900">{refused}</p>
          <p className="mt-3">
            {/* A whole new page (no fragment: a link to the same address and fragment would only
                scroll), so the preview is computed afresh and the refusal is gone. */}
            <Link
              reloadDocument
              className={buttonClass("primary")}
              to={`/admin/money/payouts?currency=${preview.currency}`}
            >
              Refresh the preview
            </Link>
          </p>
        </div>
      ) : owed === 0 ? (
        <EmptyState title={`Nobody is owed anything in ${preview.currency}`}>
          Approved contributions, accepted promotions and approved grants make balances.
        </EmptyState>
      ) : (
        <div className="space-y-4">
          <p className="text-sm text-stone-700">
            Total:{" "}
            <strong>
              <Money minor={preview.totalMinor} currency={preview.currency} />
            </strong>{" "}
            to {preview.payees} artist{preview.payees === 1 ? "" : "s"}
            {preview.excludedCount > 0
              ? `; ${preview.excludedCount} left out of this batch`
              : " (leave anyone out with their row's button)"}
            .
          </p>
          {preview.excludedCount > 0 ? (
            <Form method="post">
              <input type="hidden" name="intent" value="include-all" />
              <input type="hidden" name="currency" value={preview.currency} />
              <Button type="submit" variant="secondary">
                Put everyone back
              </Button>
            </Form>
          ) : null}
          <FormError message={rowError} />
          <DataTable
            caption={`Balances in ${preview.currency} the batch would pay`}
            columns={["Artist", "Amount", "In this batch"]}
          >
            {preview.rows.map((row) => {
              const refused = errorsFor(result, { id: row.userId });
              return (
                <tr key={row.userId} className={rowClass}>
                  <td className={cellClass}>
                    {row.name || row.email}
                    <span className="block text-xs text-stone-600">{row.email}</span>
                  </td>
                  <td className={cellClass}>
                    <Money minor={row.balanceMinor} currency={preview.currency} />
                  </td>
                  <td className={cellClass}>
                    <Form method="post" className="flex items-center gap-2">
                      <input
                        type="hidden"
                        name="intent"
                        value={row.excluded ? "include" : "exclude"}
                      />
                      <input type="hidden" name="currency" value={preview.currency} />
                      <input type="hidden" name="userId" value={row.userId} />
                      <span className="text-sm">{row.excluded ? "Left out" : "Included"}</span>
                      <Button
                        type="submit"
                        variant="secondary"
                        aria-label={`${row.excluded ? "Put back" : "Leave out"} ${row.name || row.email}`}
                      >
                        {row.excluded ? "Put back" : "Leave out"}
                      </Button>
                    </Form>
                    {refused.userId ? (
                      <p className="text-sm text-red-700">{refused.userId}</p>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </DataTable>
          {preview.next ? (
            <nav aria-label="Preview pages" className="flex justify-end text-sm">
              <Link
                className="text-brand-800 underline"
                to={`?currency=${preview.currency}&payees=${encodeURIComponent(preview.next)}#preview`}
                rel="next"
              >
                More artists →
              </Link>
            </nav>
          ) : null}
          {preview.payees > 0 ? (
            <Form method="post">
              <input type="hidden" name="batchKey" value={batchKey} />
              <input type="hidden" name="currency" value={preview.currency} />
              <input type="hidden" name="payees" value={preview.payees} />
              <input type="hidden" name="totalMinor" value={preview.totalMinor} />
              <input type="hidden" name="through" value={preview.through} />
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
                    errors.currency ??
                    errors.batchKey ??
                    errors.previewed ??
                    errors.userIds
                  }
                />
                <div className="mt-3">
                  <Button type="submit" busy={navigation.state === "submitting"}>
                    Create batch
                  </Button>
                </div>
              </Card>
            </Form>
          ) : null}
        </div>
      )}
    </section>
  );
}
