import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { Card } from "~/components/ui/misc";
import { CHANNELS, INTENDED_USES, USE_LABELS, type SubmissionState } from "~/lib/review";
import { SubmissionStateBadge } from "./submission-state";

/**
 * Submitting a clip for approval from its page, with the submissions it is already part of. The
 * form opens collapsed when the clip has a live submission, so a second one is a choice.
 */
export function SubmitForm({
  submissions,
  submitKey,
}: {
  submissions: { id: string; title: string; state: SubmissionState }[];
  submitKey: string;
}) {
  const actionData = useActionData<{ ok: false; errors: Record<string, string> }>();
  const navigation = useNavigation();
  const errors = actionData && actionData.ok === false ? actionData.errors : {};
  const submitting =
    navigation.state === "submitting" && navigation.formData?.get("intent") === "submit";
  const live = submissions.some((s) => !["withdrawn", "rejected"].includes(s.state));
  const hasErrors = Object.keys(errors).some((field) => field !== "delete");
  return (
    <Card>
      <h2 className="text-lg font-semibold">Approval</h2>
      {submissions.length > 0 ? (
        <ul className="mt-2 space-y-1 text-sm">
          {submissions.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center gap-2">
              <Link to={`/submissions/${s.id}`} className="text-brand-800 underline">
                {s.title}
              </Link>
              <SubmissionStateBadge state={s.state} />
            </li>
          ))}
        </ul>
      ) : (
        <p className="mt-1 text-sm text-stone-700">
          Not submitted yet. Submit it to have it reviewed for the use you have in mind.
        </p>
      )}
      <details className="mt-3" open={!live || hasErrors}>
        <summary className="cursor-pointer text-sm font-semibold text-brand-800">
          {live ? "Submit it again for another use" : "Submit for approval"}
        </summary>
        <Form method="post" className="mt-3 space-y-4" noValidate>
          <input type="hidden" name="intent" value="submit" />
          <input type="hidden" name="submitKey" value={submitKey} />
          <TextField name="title" label="Title" required maxLength={120} error={errors.title} />
          <TextAreaField
            name="description"
            label="Description"
            hint="What it shows and how you made it; reviewers read this first."
            rows={3}
            required
            maxLength={2000}
            error={errors.description}
          />
          <SelectField
            name="intendedUse"
            label="Intended use"
            defaultValue=""
            required
            error={errors.intendedUse}
            hint="Commercial use needs two approvals from different reviewers."
            options={[
              { value: "", label: "Choose…" },
              ...INTENDED_USES.map((u) => ({ value: u, label: USE_LABELS[u] })),
            ]}
          />
          <fieldset aria-describedby={errors.channels ? "channels-error" : undefined}>
            <legend className="text-sm font-medium text-stone-800">Channels</legend>
            <div className="mt-1 grid grid-cols-2 gap-1">
              {CHANNELS.map((c) => (
                <label key={c} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="channels" value={c} />
                  {c}
                </label>
              ))}
            </div>
            {errors.channels ? (
              <p id="channels-error" className="mt-1 text-sm text-red-700" role="alert">
                {errors.channels}
              </p>
            ) : null}
          </fieldset>
          <div>
            <label className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                name="agreeTerms"
                className="mt-0.5"
                aria-invalid={errors.agreeTerms ? true : undefined}
                aria-describedby={errors.agreeTerms ? "terms-error" : undefined}
              />
              <span>
                I agree to the program terms: this clip was made in the program, I hold the rights
                to what I put into it, and I will publish only what is approved, for the use
                approved.
              </span>
            </label>
            {errors.agreeTerms ? (
              <p id="terms-error" className="mt-1 text-sm text-red-700" role="alert">
                {errors.agreeTerms}
              </p>
            ) : null}
          </div>
          <FormError message={errors.form ?? errors.clipId} />
          <Button type="submit" busy={submitting}>
            Submit for approval
          </Button>
        </Form>
      </details>
    </Card>
  );
}
