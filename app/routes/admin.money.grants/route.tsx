import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { redirectWithFlash } from "~/.server/flash";
import { formFields, itemFailure, itemParseFailure, readForm, routeHeaders } from "~/.server/http";
import { deliverEmails } from "~/.server/mail/send";
import { approveGrant, awardGrant, cancelGrant, grantInput } from "~/.server/money/grants";
import { listGrants, moneyFormChoices } from "~/.server/money/views";
import { MoneyNav } from "~/components/money/admin-nav";
import { Money, StateBadge } from "~/components/money/money";
import { Button } from "~/components/ui/button";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { Card, EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { CURRENCIES, formatMoney, minorToDecimal } from "~/lib/money";
import { reasonField } from "~/lib/validation";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Grants · Money · Admin · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const admin = actingUser(request, context, user);
  const [grants, choices] = await Promise.all([
    listGrants(context.db, admin),
    moneyFormChoices(context.db, admin),
  ]);
  return {
    grants,
    artists: choices.artists,
    me: user.id,
    threshold: context.env.GRANT_APPROVAL_THRESHOLD,
    awardKey: crypto.randomUUID(),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const admin = actingUser(request, context, user);
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  const intent = String(form.get("intent") ?? "");
  const id = String(form.get("id") ?? "");
  const options = {
    appUrl: context.env.APP_URL,
    approvalThresholdMinor: context.env.GRANT_APPROVAL_THRESHOLD,
  };
  try {
    let emailIds: string[] = [];
    let message: string;
    if (intent === "award") {
      const parsed = grantInput.safeParse(formFields(form));
      if (!parsed.success) return itemParseFailure(parsed.error, "award");
      const result = await awardGrant(context.db, admin, parsed.data, options);
      emailIds = result.emailIds;
      const amount = formatMoney(result.grant.amountMinor, result.grant.currency);
      message = result.grant.needsSecondApproval
        ? `Awarded ${amount}. Above the threshold: another admin must approve it.`
        : `Awarded and approved ${amount}. It is payable now.`;
    } else if (intent === "approve") {
      emailIds = (await approveGrant(context.db, admin, id, options)).emailIds;
      message = "Grant approved. It is payable now.";
    } else if (intent === "cancel") {
      const reason = reasonField.safeParse(form.get("reason") ?? "");
      if (!reason.success) throw new UserError(reason.error.issues[0]!.message, 422, "reason");
      await cancelGrant(context.db, admin, id, reason.data);
      message = "Grant cancelled.";
    } else {
      throw new UserError("Unknown action.", 400);
    }
    await deliverEmails(context.db, context.mailer, emailIds);
    return redirectWithFlash(context, "/admin/money/grants", { kind: "success", message });
  } catch (error) {
    return itemFailure(error, intent === "award" ? "award" : id);
  }
}

type Failure = { ok: false; errors: Record<string, string>; id?: string };

export default function GrantsPage() {
  const { grants, artists, me, threshold, awardKey } = useLoaderData<typeof loader>();
  const result = useActionData<Failure>();
  const navigation = useNavigation();
  const errors = result?.ok === false && result.id === "award" ? result.errors : {};
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
                const rowErrors = result?.ok === false && result.id === g.id ? result.errors : {};
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
