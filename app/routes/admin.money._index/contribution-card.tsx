import { Form, type useLoaderData, useNavigation } from "@remix-run/react";
import { Money } from "~/components/money/money";
import { Button } from "~/components/ui/button";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, TextAreaField } from "~/components/ui/field";
import { Card, formatDateTime } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import { formatDay } from "~/lib/dates";
import { formatMinutesAsHours } from "~/lib/money";
import type { loader } from "./route";

type ContributionItem = ReturnType<
  typeof useLoaderData<typeof loader>
>["pendingContributions"][number];

/** A logged contribution waiting for an answer: approve, or reject with a reason. */
export function ContributionCard({ item }: { item: ContributionItem }) {
  const { contribution: c } = item;
  const errors = useIntentErrors({ id: c.id });
  const navigation = useNavigation();
  const busy = navigation.formData?.get("id") === c.id;
  return (
    <Card>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h3 className="font-semibold">
            {c.kind === "hours"
              ? `${formatMinutesAsHours(c.minutes ?? 0)} of testing on ${formatDay(c.occurredOn)}`
              : `Feedback report (${c.category}) of ${formatDay(c.occurredOn)}`}
          </h3>
          <p className="text-sm text-stone-600">
            {item.artist || item.artistEmail} · logged {formatDateTime(c.createdAt)}
            {item.prompt ? ` · about “${item.prompt.slice(0, 60)}”` : ""}
            {item.model ? ` · made with ${item.model}` : ""}
          </p>
        </div>
        <p className="text-sm">
          {item.estimateMinor !== null && item.estimateCurrency ? (
            <>
              Earns <Money minor={item.estimateMinor} currency={item.estimateCurrency} />
            </>
          ) : (
            <span className="text-red-800">No rate card in force on that date</span>
          )}
        </p>
      </div>
      <p className="mt-2 whitespace-pre-line text-sm text-stone-800">{c.description}</p>
      <FormError message={errors.form} />
      <div className="mt-3 flex flex-wrap gap-2">
        <Form method="post">
          <input type="hidden" name="intent" value="approve-contribution" />
          <input type="hidden" name="id" value={c.id} />
          <Button
            type="submit"
            busy={busy && navigation.formData?.get("intent") === "approve-contribution"}
          >
            Approve
          </Button>
        </Form>
        <ConfirmFormDialog
          trigger="Reject"
          title="Reject this contribution?"
          fields={{ intent: "reject-contribution", id: c.id }}
          confirmLabel="Reject"
          cancelLabel="Keep it"
        >
          <TextAreaField
            label="Reason the artist will read"
            name="reason"
            rows={3}
            required
            error={errors.reason}
          />
        </ConfirmFormDialog>
      </div>
    </Card>
  );
}
