import { Form, type useLoaderData, useNavigation } from "@remix-run/react";
import { Money } from "~/components/money/money";
import { Button } from "~/components/ui/button";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, TextAreaField } from "~/components/ui/field";
import { Card, formatDateTime } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import type { loader } from "./route";

type GrantItem = ReturnType<typeof useLoaderData<typeof loader>>["awaitingGrants"][number];

/** A grant above the threshold waiting for a second admin: approve, or cancel with a reason. */
export function GrantCard({ item, me }: { item: GrantItem; me: string }) {
  const { grant: g } = item;
  const errors = useIntentErrors({ id: g.id });
  const navigation = useNavigation();
  const mine = g.awardedBy === me;
  return (
    <Card>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="font-semibold">
            <Money minor={g.amountMinor} currency={g.currency} /> to {item.artist}
          </h3>
          <p className="text-sm text-stone-600">
            {g.purpose} · awarded by {mine ? "you" : item.awardedByName} on{" "}
            {formatDateTime(g.createdAt)}
          </p>
        </div>
      </div>
      <FormError message={errors.form} />
      <div className="mt-3 flex flex-wrap items-center gap-2">
        {mine ? (
          <p className="text-sm text-stone-600">
            Another admin must approve the grants you award above the threshold.
          </p>
        ) : (
          <Form method="post">
            <input type="hidden" name="intent" value="approve-grant" />
            <input type="hidden" name="id" value={g.id} />
            <Button
              type="submit"
              busy={
                navigation.formData?.get("id") === g.id &&
                navigation.formData?.get("intent") === "approve-grant"
              }
            >
              Approve grant
            </Button>
          </Form>
        )}
        <ConfirmFormDialog
          trigger="Cancel grant"
          title="Cancel this grant?"
          fields={{ intent: "cancel-grant", id: g.id }}
          confirmLabel="Cancel grant"
          cancelLabel="Keep it"
        >
          <TextAreaField label="Reason" name="reason" rows={2} required error={errors.reason} />
        </ConfirmFormDialog>
      </div>
    </Card>
  );
}
