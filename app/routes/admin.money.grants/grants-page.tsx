import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { MoneyNav } from "~/components/money/admin-nav";
import { Money, StateBadge } from "~/components/money/money";
import { Button } from "~/components/ui/button";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { Card, EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { errorsFor } from "~/lib/intents";
import { CURRENCIES, minorToDecimal } from "~/lib/money";
import type { loader } from "./route";

/** Every grant with its approve and cancel forms, beside the form that awards one. */
export function GrantsPage() {
  const { grants, artists, me, threshold, awardKey } = useLoaderData<typeof loader>();
  const result = useActionData();
  const navigation = useNavigation();
  const errors = errorsFor(result, { id: "award" });
  return (
    <>
      <PageHeader
        title="Grants"
        description={`Money awarded for a purpose. Up to ${minorToDecimal(threshold)} (in the grant's currency) the awarding admin's approval suffices; above it, a second admin must approve.`}
      />
      <MoneyNav />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section aria-labelledby="all-grants">
          <h2 id="all-grants" className="mb-3 text-lg font-semibold">
            All grants
          </h2>
          {grants.length === 0 ? (
            <EmptyState title="No grants yet">Award the first one with the form.</EmptyState>
          ) : (
            <DataTable
              caption="Grants, newest first"
              columns={["Artist", "Amount", "Purpose", "State", "Actions"]}
            >
              {grants.map(({ grant: g, artist, awardedByName }) => {
                const rowErrors = errorsFor(result, { id: g.id });
                return (
                  <tr key={g.id} className={rowClass}>
                    <td className={cellClass}>{artist}</td>
                    <td className={cellClass}>
                      <Money minor={g.amountMinor} currency={g.currency} />
                    </td>
                    <td className={cellClass}>
                      {g.purpose}
                      <span className="block text-xs text-stone-600">
                        by {g.awardedBy === me ? "you" : awardedByName} ·{" "}
                        {formatDateTime(g.createdAt)}
                      </span>
                    </td>
                    <td className={cellClass}>
                      <StateBadge of="grant" state={g.state} />
                    </td>
                    <td className={cellClass}>
                      <FormError message={rowErrors.form} />
                      <div className="flex flex-wrap gap-2">
                        {g.state === "awarded" && g.awardedBy !== me ? (
                          <Form method="post">
                            <input type="hidden" name="intent" value="approve" />
                            <input type="hidden" name="id" value={g.id} />
                            <Button
                              type="submit"
                              variant="secondary"
                              busy={
                                navigation.formData?.get("id") === g.id &&
                                navigation.formData?.get("intent") === "approve"
                              }
                            >
                              Approve
                            </Button>
                          </Form>
                        ) : null}
                        {g.state === "awarded" || g.state === "approved" ? (
                          <ConfirmFormDialog
                            trigger="Cancel"
                            title="Cancel this grant?"
                            fields={{ intent: "cancel", id: g.id }}
                            confirmLabel="Cancel grant"
                            cancelLabel="Keep it"
                          >
                            <TextAreaField
                              label="Reason"
                              name="reason"
                              rows={2}
                              required
                              error={rowErrors.reason}
                            />
                          </ConfirmFormDialog>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </DataTable>
          )}
        </section>
        <Card>
          <h2 className="mb-3 text-lg font-semibold">Award a grant</h2>
          <Form method="post" className="space-y-4" noValidate>
            <input type="hidden" name="intent" value="award" />
            <input type="hidden" name="awardKey" value={awardKey} />
            <FormError message={errors.form} />
            <SelectField
              label="Artist"
              name="userId"
              error={errors.userId}
              options={[
                { value: "", label: "Choose an artist" },
                ...artists.map((a) => ({
                  value: a.id,
                  label: a.name ? `${a.name} (${a.email})` : a.email,
                })),
              ]}
            />
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField
                label="Amount"
                name="amountMinor"
                inputMode="decimal"
                placeholder="250.00"
                required
                error={errors.amountMinor}
              />
              <SelectField
                label="Currency"
                name="currency"
                options={CURRENCIES.map((c) => ({ value: c, label: c }))}
                error={errors.currency}
              />
            </div>
            <TextAreaField
              label="Purpose"
              name="purpose"
              rows={3}
              required
              error={errors.purpose}
            />
            <Button type="submit" busy={navigation.formData?.get("intent") === "award"}>
              Award grant
            </Button>
          </Form>
        </Card>
      </div>
    </>
  );
}
