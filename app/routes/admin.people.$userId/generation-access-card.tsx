import { Form } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { SelectField, TextField } from "~/components/ui/field";
import { Card } from "~/components/ui/misc";

const dateInput = (value: string | Date | null | undefined) =>
  value ? new Date(value).toISOString().slice(0, 10) : "";

/** What the artist may generate: quota, limits, access window and cohort, with this month's use. */
export function GenerationAccessCard(props: {
  settings: {
    monthlyQuotaSeconds: number;
    maxDurationSeconds: number;
    maxResolution: string;
    maxConcurrentJobs: number;
    accessFrom: string | Date | null;
    accessUntil: string | Date | null;
    cohort: string | null;
  } | null;
  usage: { committedSeconds: number; reservedSeconds: number; remainingSeconds: number } | null;
  errors: Record<string, string | undefined>;
  busy: boolean;
}) {
  const s = props.settings;
  return (
    <Card className="mt-6">
      <h2 className="text-lg font-semibold">Generation access</h2>
      <p className="mt-1 text-sm text-stone-600">
        {props.usage
          ? `This month: ${props.usage.committedSeconds} s used, ${props.usage.reservedSeconds} s held by jobs in progress, ${props.usage.remainingSeconds} s left.`
          : "Not set up yet: this artist cannot generate until you save these settings."}
      </p>
      <Form method="post" className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <input type="hidden" name="intent" value="generation" />
        <TextField
          label="Monthly quota (seconds)"
          name="monthlyQuotaSeconds"
          type="number"
          min={0}
          required
          defaultValue={s?.monthlyQuotaSeconds ?? 300}
          error={props.errors.monthlyQuotaSeconds}
        />
        <SelectField
          label="Longest clip"
          name="maxDurationSeconds"
          defaultValue={String(s?.maxDurationSeconds ?? 10)}
          error={props.errors.maxDurationSeconds}
          options={[5, 10, 15, 20].map((n) => ({ value: String(n), label: `${n} seconds` }))}
        />
        <SelectField
          label="Highest resolution"
          name="maxResolution"
          defaultValue={s?.maxResolution ?? "720p"}
          error={props.errors.maxResolution}
          options={["480p", "720p", "1080p"].map((r) => ({ value: r, label: r }))}
        />
        <TextField
          label="Jobs at once"
          name="maxConcurrentJobs"
          type="number"
          min={1}
          max={10}
          required
          defaultValue={s?.maxConcurrentJobs ?? 2}
          error={props.errors.maxConcurrentJobs}
        />
        <TextField
          label="Access from"
          name="accessFrom"
          type="date"
          defaultValue={dateInput(s?.accessFrom)}
          error={props.errors.accessFrom}
          hint="Empty: no start date."
        />
        <TextField
          label="Access until"
          name="accessUntil"
          type="date"
          defaultValue={dateInput(s?.accessUntil)}
          error={props.errors.accessUntil}
          hint="Access ends as this day starts (UTC). Empty: no end date."
        />
        <TextField
          label="Cohort"
          name="cohort"
          maxLength={60}
          defaultValue={s?.cohort ?? ""}
          error={props.errors.cohort}
        />
        <div className="flex items-end">
          <Button type="submit" variant="secondary" busy={props.busy}>
            Save generation access
          </Button>
        </div>
      </Form>
    </Card>
  );
}
