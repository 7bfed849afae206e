import { Form } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { FormError, SelectField } from "~/components/ui/field";
import { Card } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import { CURRENCIES } from "~/lib/money";

/** The currency the artist is paid in from now on; its refusals show here only. */
export function PayoutCurrencyForm({ currency }: { currency: string }) {
  const errors = useIntentErrors({ id: "currency" });
  return (
    <Card>
      <h2 className="mb-3 text-lg font-semibold">Paid in</h2>
      <Form method="post" className="space-y-4">
        <input type="hidden" name="intent" value="currency" />
        <FormError message={errors.form} />
        <SelectField
          label="Currency"
          name="currency"
          defaultValue={currency}
          error={errors.currency}
          options={CURRENCIES.map((c) => ({ value: c, label: c }))}
          hint="New contributions earn at this currency's rate card."
        />
        <Button type="submit" variant="secondary">
          Save
        </Button>
      </Form>
    </Card>
  );
}
