import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
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
import { deliverEmails } from "~/.server/mail/send";
import { loadBatch, markBatch, markInput, markPayout } from "~/.server/money/payouts";
import { MoneyNav } from "~/components/money/admin-nav";
import { Money, StateBadge } from "~/components/money/money";
import { Button, buttonClass } from "~/components/ui/button";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, TextAreaField, TextField } from "~/components/ui/field";
import { formatDateTime, PageHeader } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Payout batch · Money · Admin · Greenroom" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  return loadOrRespond(async () => {
    return await loadBatch(context.db, actingUser(request, context, user), params.batchId!);
  });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const admin = actingUser(request, context, user);
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  const intent = String(form.get("intent") ?? "");
  const id = String(form.get("id") ?? "");
  const options = { appUrl: context.env.APP_URL };
  const here = `/admin/money/payouts/${params.batchId}`;
  try {
    let emailIds: string[];
    let message: string;
    if (intent === "mark-all-sent" || intent === "mark-all-paid") {
      const to = intent === "mark-all-sent" ? "sent" : "paid";
      const result = await markBatch(context.db, admin, params.batchId!, to, options);
      emailIds = result.emailIds;
      message = `${result.count} payout${result.count === 1 ? "" : "s"} marked ${to}.`;
    } else if (intent === "mark") {
      const parsed = markInput.safeParse(Object.fromEntries(form));
      if (!parsed.success) return itemParseFailure(parsed.error, id);
      const result = await markPayout(
        context.db,
        admin,
        { id, batchId: params.batchId! },
        parsed.data,
        options,
      );
      emailIds = result.emailIds;
      message =
        parsed.data.to === "failed"
          ? "Marked failed. The amount is back in the artist's balance."
          : `Payout marked ${parsed.data.to}.`;
    } else {
      throw new UserError("Unknown action.", 400);
    }
    await deliverEmails(context.db, context.mailer, emailIds);
    return redirectWithFlash(context, here, { kind: "success", message });
  } catch (error) {
    return itemFailure(error, id);
  }
}

type Failure = { ok: false; errors: Record<string, string>; id?: string };

export default function PayoutBatch() {
  const { batch, payouts } = useLoaderData<typeof loader>();
  const result = useActionData<Failure>();
  const navigation = useNavigation();
  const total = payouts.reduce((s, p) => s + p.payout.amountMinor, 0);
  const toSend = payouts.filter((p) => p.payout.state === "created").length;
  const sent = payouts.filter((p) => p.payout.state === "sent").length;
  // A failure about one payout shows on its row; anything else (the batch, or a payout that is
  // not on this page) shows above the table.
  const onRow = (id: string) => result?.ok === false && result.id === id;
  const batchError =
    result?.ok === false && !payouts.some((p) => onRow(p.payout.id))
      ? Object.values(result.errors)[0]
      : null;
  const busyOn = (id: string, to: string) =>
    navigation.formData?.get("id") === id && navigation.formData?.get("to") === to;
  return (
    <>
      <PageHeader
        title={`Payout batch of ${formatDateTime(batch.createdAt)}`}
        description={
          <>
            {payouts.length} payout{payouts.length === 1 ? "" : "s"} ·{" "}
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
        {payouts.map(({ payout: p, name, email }) => {
          const errors = result?.ok === false && onRow(p.id) ? result.errors : {};
          return (
            <tr key={p.id} className={rowClass}>
              <td className={cellClass}>
                {name || email}
                <span className="block text-xs text-stone-600">{email}</span>
              </td>
              <td className={cellClass}>
                <Money minor={p.amountMinor} currency={p.currency} />
              </td>
              <td className={cellClass}>
                <StateBadge of="payout" state={p.state} />
                {p.failureReason ? (
                  <p className="mt-1 text-xs text-stone-700">{p.failureReason}</p>
                ) : null}
              </td>
              <td className={cellClass}>{p.reference ?? "—"}</td>
              <td className={cellClass}>
                <FormError message={errors.form ?? errors.to} />
                <div className="flex flex-wrap gap-2">
                  {p.state === "created" ? (
                    <ConfirmFormDialog
                      trigger="Mark sent"
                      title={`Mark the payout to ${name || email} sent?`}
                      triggerVariant="secondary"
                      fields={{ intent: "mark", to: "sent", id: p.id }}
                      confirmLabel="Mark sent"
                      confirmVariant="primary"
                      cancelLabel="Not yet"
                    >
                      <TextField
                        label="Transfer reference (optional)"
                        name="reference"
                        error={errors.reference}
                      />
                    </ConfirmFormDialog>
                  ) : null}
                  {p.state === "sent" ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="mark" />
                      <input type="hidden" name="to" value="paid" />
                      <input type="hidden" name="id" value={p.id} />
                      <Button type="submit" variant="secondary" busy={busyOn(p.id, "paid")}>
                        Mark paid
                      </Button>
                    </Form>
                  ) : null}
                  {p.state === "created" || p.state === "sent" ? (
                    <ConfirmFormDialog
                      trigger="Mark failed"
                      title={`Mark the payout to ${name || email} failed?`}
                      fields={{ intent: "mark", to: "failed", id: p.id }}
                      confirmLabel="Mark failed"
                      cancelLabel="Keep it"
                    >
                      <p className="text-sm text-stone-700">
                        The amount goes back into the artist&apos;s balance and into the next batch.
                      </p>
                      <TextAreaField
                        label="What went wrong"
                        name="reason"
                        rows={2}
                        required
                        error={errors.reason}
                      />
                    </ConfirmFormDialog>
                  ) : null}
                </div>
              </td>
            </tr>
          );
        })}
      </DataTable>
    </>
  );
}
