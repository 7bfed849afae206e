import { Form, Link, useNavigation } from "@remix-run/react";
import { useIntentErrors } from "~/components/use-intent-errors";
import { Button } from "~/components/ui/button";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { Card, formatDateTime } from "~/components/ui/misc";
import { DateField } from "~/components/ui/date-field";
import { FEEDBACK_CATEGORIES } from "~/lib/money";

// The two forms an artist earns with; a refusal shows on the form it came from only.

/** Hours of testing: a date, quarter hours and what was tested. */
export function LogHoursForm({ today, formKey }: { today: string; formKey: string }) {
  const errors = useIntentErrors({ form: "log-hours" });
  const navigation = useNavigation();
  const busy = navigation.formData?.get("intent") === "log-hours";
  return (
    <Card>
      <h2 className="mb-3 text-lg font-semibold">Log testing hours</h2>
      <Form method="post" className="space-y-4" noValidate>
        <input type="hidden" name="intent" value="log-hours" />
        <input type="hidden" name="clientKey" value={formKey} />
        <FormError message={errors.form} />
        <div className="grid gap-4 sm:grid-cols-2">
          <DateField
            label="Date"
            name="occurredOn"
            max={today}
            defaultValue={today}
            required
            error={errors.occurredOn}
          />
          <TextField
            label="Hours"
            name="hours"
            inputMode="decimal"
            placeholder="1.5"
            hint="Quarter hours: 1.25, 1.5 or 1:30"
            required
            error={errors.hours}
          />
        </div>
        <TextAreaField
          label="What you tested"
          name="notes"
          rows={3}
          required
          error={errors.notes}
        />
        <Button type="submit" busy={busy}>
          Log hours
        </Button>
      </Form>
    </Card>
  );
}

/** A report about one of the artist's generations. */
export function FeedbackForm({
  generations,
  formKey,
}: {
  generations: { id: string; prompt: string; createdAt: string | Date }[];
  formKey: string;
}) {
  const errors = useIntentErrors({ form: "file-report" });
  const navigation = useNavigation();
  const busy = navigation.formData?.get("intent") === "file-report";
  return (
    <Card>
      <h2 className="mb-3 text-lg font-semibold">File a feedback report</h2>
      {generations.length === 0 ? (
        <p className="text-sm text-stone-600">
          A report is about one of your generations.{" "}
          <Link className="text-brand-800 underline" to="/studio">
            Generate something
          </Link>{" "}
          first.
        </p>
      ) : (
        <Form method="post" className="space-y-4" noValidate>
          <input type="hidden" name="intent" value="file-report" />
          <input type="hidden" name="clientKey" value={formKey} />
          <FormError message={errors.form} />
          <SelectField
            label="Generation"
            name="generationId"
            required
            error={errors.generationId}
            options={generations.map((g) => ({
              value: g.id,
              label: `${g.prompt.slice(0, 60)} · ${formatDateTime(g.createdAt)}`,
            }))}
          />
          <SelectField
            label="Category"
            name="category"
            required
            error={errors.category}
            options={FEEDBACK_CATEGORIES.map((c) => ({
              value: c,
              label: c[0]!.toUpperCase() + c.slice(1),
            }))}
          />
          <TextAreaField
            label="What you found"
            name="description"
            rows={4}
            required
            error={errors.description}
          />
          <Button type="submit" busy={busy}>
            File report
          </Button>
        </Form>
      )}
    </Card>
  );
}
