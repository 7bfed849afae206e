import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { redirectWithFlash } from "~/.server/flash";
import {
  formFields,
  parseWith,
  userErrorToResponse,
  loadOrRespond,
  readForm,
  routeHeaders,
} from "~/.server/http";
import { todayUtc } from "~/.server/money/dates";
import { batchInput, createBatch, previewBatch } from "~/.server/money/payouts";
import { listBatches } from "~/.server/money/views";
import { MoneyNav } from "~/components/money/admin-nav";
import { Money } from "~/components/money/money";
import { Button, buttonClass } from "~/components/ui/button";
import { FormError, TextField } from "~/components/ui/field";
import { FilterTabs } from "~/components/ui/filters";
import { Card, EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { CURRENCIES, DEFAULT_CURRENCY, formatMoney } from "~/lib/money";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Payouts · Money · Admin · Greenroom" }];

const query = z.object({
  currency: z.enum(CURRENCIES).catch(DEFAULT_CURRENCY),
  after: z.string().optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const admin = actingUser(request, context, user);
  const { currency, after } = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return loadOrRespond(async () => {
    const [preview, batches] = await Promise.all([
      previewBatch(context.db, admin, currency),
      listBatches(context.db, admin, { after }),
    ]);
    return {
      preview,
      batches: batches.rows,
      nextBatches: batches.next,
      today: todayUtc(),
      monthStart: `${todayUtc().slice(0, 7)}-01`,
      // A fresh key per rendering: pressing "Create batch" twice makes one batch.
      batchKey: crypto.randomUUID(),
    };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  // The preview's ticks: always a list, so unticking everyone pays nobody rather than everybody.
  // Beside each, the amount the preview showed (expected.<userId>): the batch pays it or nothing.
  const expected: Record<string, number> = {};
  for (const [name, value] of form.entries())
    if (name.startsWith("expected.") && typeof value === "string" && /^\d{1,15}$/.test(value))
      expected[name.slice("expected.".length)] = Number(value);
  const parsed = parseWith(batchInput, {
    ...formFields(form),
    userIds: form.getAll("userIds"),
    expected: Object.keys(expected).length ? expected : undefined,
  });
  if (!parsed.ok) return parsed.response;
  try {
    const result = await createBatch(context.db, actingUser(request, context, user), parsed.data);
    const total = result.payouts.reduce((s, p) => s + p.amountMinor, 0);
    return redirectWithFlash(context, `/admin/money/payouts/${result.batch.id}`, {
      kind: "success",
      message: result.created
        ? `Batch created: ${result.payouts.length} payout${result.payouts.length === 1 ? "" : "s"}, ${formatMoney(total, result.batch.currency)}. Send them, then mark them sent.`
        : "This batch was already created; here it is.",
    });
  } catch (error) {
    return userErrorToResponse(error);
  }
}

export default function Payouts() {
  const { preview, batches, nextBatches, batchKey, today, monthStart } =
    useLoaderData<typeof loader>();
  const result = useActionData<{ ok: false; errors: Record<string, string> }>();
  const errors = result?.ok === false ? result.errors : {};
  const navigation = useNavigation();
  return (
    <>
      <PageHeader
        title="Payouts"
        description="A batch pays every approved, unpaid balance in one currency. Creating it takes the amounts out of the balances; a failed payout puts them back."
      />
      <MoneyNav />
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
              to {preview.rows.length} artist{preview.rows.length === 1 ? "" : "s"} (untick anyone
              to leave out).
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
              <TextField label="From" name="from" type="date" defaultValue={monthStart} required />
              <TextField label="To" name="to" type="date" defaultValue={today} required />
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
