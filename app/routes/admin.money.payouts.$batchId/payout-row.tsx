import { Form, type useLoaderData, useNavigation } from "@remix-run/react";
import { Money, StateBadge } from "~/components/money/money";
import { Button } from "~/components/ui/button";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, TextAreaField, TextField } from "~/components/ui/field";
import { cellClass, rowClass } from "~/components/ui/table";
import type { FieldErrors } from "~/lib/validation";
import type { loader } from "./route";

type Row = ReturnType<typeof useLoaderData<typeof loader>>["payouts"][number];

/** A payout with the moves it can make next, and the refusal of the last one, if it was its. */
export function PayoutRow({ row, errors }: { row: Row; errors: FieldErrors }) {
  const { payout: p, name, email } = row;
  const navigation = useNavigation();
  const busyOn = (id: string, to: string) =>
    navigation.formData?.get("id") === id && navigation.formData?.get("to") === to;
  return (
    <tr className={rowClass}>
      <td className={cellClass}>
        {name || email}
        <span className="block text-xs text-stone-600">{email}</span>
      </td>
      <td className={cellClass}>
        <Money minor={p.amountMinor} currency={p.currency} />
      </td>
      <td className={cellClass}>
        <StateBadge of="payout" state={p.state} />
        {p.failureReason ? <p className="mt-1 text-xs text-stone-700">{p.failureReason}</p> : null}
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
}
