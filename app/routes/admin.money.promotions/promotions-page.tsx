import { useActionData, useLoaderData } from "@remix-run/react";
import { MoneyNav } from "~/components/money/admin-nav";
import { Money, StateBadge } from "~/components/money/money";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError } from "~/components/ui/field";
import { EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { errorsFor } from "~/lib/intents";
import { AskForm } from "./ask-form";
import type { loader } from "./route";

/** Every request to use an artist's clip, with its withdraw form, beside the form that asks. */
export function PromotionsPage() {
  const { promotions, clips, requestKey } = useLoaderData<typeof loader>();
  const result = useActionData();
  return (
    <>
      <PageHeader
        title="Promotional use"
        description="The program may use an artist's approved clip in its own promotion only with the artist's recorded yes. Acceptance earns the fee; the published rate per clip is the least it can be."
      />
      <MoneyNav />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section aria-labelledby="requests">
          <h2 id="requests" className="mb-3 text-lg font-semibold">
            Requests
          </h2>
          {promotions.length === 0 ? (
            <EmptyState title="No requests yet">Ask for an approved clip with the form.</EmptyState>
          ) : (
            <DataTable
              caption="Promotion requests, newest first"
              columns={["Clip", "Use", "Fee", "State", "Actions"]}
            >
              {promotions.map(({ promotion: p, title, artist }) => {
                const rowErrors = errorsFor(result, { id: p.id });
                return (
                  <tr key={p.id} className={rowClass}>
                    <td className={cellClass}>
                      “{title}”
                      <span className="block text-xs text-stone-600">
                        {artist} · {formatDateTime(p.createdAt)}
                      </span>
                    </td>
                    <td className={cellClass}>
                      {p.purpose}
                      <span className="block text-xs text-stone-600">{p.channels.join(", ")}</span>
                      {p.declineReason ? (
                        <span className="block text-xs text-stone-600">
                          Declined: {p.declineReason}
                        </span>
                      ) : null}
                    </td>
                    <td className={cellClass}>
                      <Money minor={p.feeMinor} currency={p.currency} />
                    </td>
                    <td className={cellClass}>
                      <StateBadge of="promotion" state={p.state} />
                    </td>
                    <td className={cellClass}>
                      <FormError message={rowErrors.form} />
                      {p.state === "asked" ? (
                        <ConfirmFormDialog
                          trigger="Withdraw"
                          title="Withdraw this request?"
                          triggerVariant="secondary"
                          fields={{ intent: "withdraw", id: p.id }}
                          confirmLabel="Withdraw"
                          cancelLabel="Keep it"
                        />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </DataTable>
          )}
        </section>
        <AskForm clips={clips} requestKey={requestKey} />
      </div>
    </>
  );
}
