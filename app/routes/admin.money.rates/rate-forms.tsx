import { Form, useActionData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { FormError, SelectField, TextField } from "~/components/ui/field";
import { Card } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import { DateField } from "~/components/ui/date-field";
import { formatDay } from "~/lib/dates";
import { CURRENCIES, RATE_ITEMS } from "~/lib/money";

/** The action's question before a card from a past day is published, with the posted values. */
export type BackdatedWarning = { from: string; today: string; values: Record<string, string> };

function backdatedOf(result: unknown): BackdatedWarning | null {
  const warning = (result as { backdated?: BackdatedWarning } | undefined)?.backdated;
  return warning && typeof warning === "object" ? warning : null;
}

// The page's two forms; a refusal shows on the form it came from only.

/** A new version of one currency's rate card, in force from a date. */
export function PublishRateCardForm({ today }: { today: string }) {
  const errors = useIntentErrors({ form: "publish" });
  const backdated = backdatedOf(useActionData());
  // After the question the form shows what was posted (also without JavaScript, when the page
  // was rendered anew), so "Publish anyway" sends the same card.
  const posted = backdated?.values ?? {};
  const navigation = useNavigation();
  return (
    <Card>
      <h2 className="mb-3 text-lg font-semibold">Publish a version</h2>
      <Form method="post" className="space-y-4" noValidate key={backdated ? "confirm" : "new"}>
        <input type="hidden" name="intent" value="publish" />
        <FormError message={errors.form} />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            label="Currency"
            name="currency"
            options={CURRENCIES.map((c) => ({ value: c, label: c }))}
            defaultValue={posted.currency}
            error={errors.currency}
          />
          <DateField
            label="In force from"
            name="effectiveFrom"
            defaultValue={posted.effectiveFrom ?? today}
            required
            hint={`Today is ${formatDay(today)}. A day before today asks you to confirm.`}
            error={errors.effectiveFrom}
          />
        </div>
        {RATE_ITEMS.map((item) => (
          <TextField
            key={item.key}
            label={`${item.label} (${item.unit})`}
            name={item.key}
            inputMode="decimal"
            placeholder="0.00"
            defaultValue={posted[item.key]}
            required
            error={errors[item.key]}
          />
        ))}
        <TextField
          label="Note (optional)"
          name="note"
          placeholder="Raised after the Q3 review"
          defaultValue={posted.note}
          error={errors.note}
        />
        <Button
          type="submit"
          variant={backdated ? "secondary" : "primary"}
          busy={
            navigation.formData?.get("intent") === "publish" &&
            navigation.formData?.get("confirmPast") !== "on"
          }
        >
          Publish
        </Button>
        {backdated ? (
          <div
            role="group"
            aria-labelledby="backdated-title"
            className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
          >
            <p id="backdated-title" className="font-medium">
              This card starts on {formatDay(backdated.from)}, before today.
            </p>
            <p className="mt-1">
              Publish anyway to have unapproved items from that day on earn at it, or change the
              date above and press Publish.
            </p>
            <div className="mt-3 flex flex-wrap gap-2">
              <Button
                type="submit"
                name="confirmPast"
                value="on"
                busy={navigation.formData?.get("confirmPast") === "on"}
              >
                Publish anyway
              </Button>
            </div>
          </div>
        ) : null}
      </Form>
    </Card>
  );
}

/** Credits a month's stipend to every artist due it. */
export function StipendsForm({ month, monthsBack }: { month: string; monthsBack: number }) {
  const stipendErrors = useIntentErrors({ form: "stipends" });
  const navigation = useNavigation();
  return (
    <Card>
      <h2 className="mb-1 text-lg font-semibold">Monthly stipend</h2>
      <p className="mb-3 text-sm text-stone-600">
        Credits every active artist who joined before the month ended the stipend of the card in
        force on the month&apos;s first day, in their currency, up to {monthsBack} months back.
        Running it twice credits nobody twice.
      </p>
      <Form method="post" className="space-y-4" noValidate>
        <input type="hidden" name="intent" value="stipends" />
        <FormError message={stipendErrors.form} />
        <TextField
          label="Month"
          name="month"
          type="month"
          defaultValue={month}
          max={month}
          required
          error={stipendErrors.month}
        />
        <Button
          type="submit"
          variant="secondary"
          busy={navigation.formData?.get("intent") === "stipends"}
        >
          Credit stipends
        </Button>
      </Form>
    </Card>
  );
}
