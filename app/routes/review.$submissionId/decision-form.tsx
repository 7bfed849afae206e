import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { useIntentErrors } from "~/components/use-intent-errors";
import { Button } from "~/components/ui/button";
import { FormError, SelectField, TextAreaField } from "~/components/ui/field";
import { Card } from "~/components/ui/misc";
import { REASON_CATEGORIES } from "~/lib/review";
import type { loader } from "./route";

/**
 * The decision on the current version: the content-policy checklist, approve / request changes /
 * reject, and for the last two a reason, a note the artist reads and the checklist items that
 * failed. It names the version and state the reviewer saw, so a change meanwhile records nothing.
 */
export function DecisionForm() {
  const page = useLoaderData<typeof loader>();
  const errors = useIntentErrors({ form: "decision" });
  const navigation = useNavigation();
  const [decision, setDecision] = useState<string>("");
  const needsReason = decision === "request_changes" || decision === "reject";
  const firstOfTwo = page.submission.approvalsNeeded === 2 && page.submission.approvals === 0;
  return (
    <Card>
      <h2 className="text-lg font-semibold">Decision</h2>
      {page.submission.approvalsNeeded === 2 ? (
        <p className="mt-1 text-sm text-stone-700">
          Commercial use needs two approvals from different reviewers: {page.submission.approvals}{" "}
          of 2 so far.
        </p>
      ) : null}
      <Form method="post" className="mt-3 space-y-4">
        <input type="hidden" name="intent" value="decide" />
        <input type="hidden" name="version" value={page.submission.currentVersion} />
        <input type="hidden" name="state" value={page.submission.state} />
        <fieldset aria-describedby={errors.checklist ? "checklist-error" : undefined}>
          <legend className="text-sm font-medium text-stone-800">Content-policy checklist</legend>
          <p className="text-xs text-stone-600">
            Tick what holds. Every item must hold to approve.
          </p>
          <div className="mt-2 space-y-1">
            {page.checklist.map((item, i) => (
              <label key={item} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  name="checklist"
                  value={item}
                  id={`checklist-${i}`}
                  className="mt-0.5"
                />
                <span>{item}</span>
              </label>
            ))}
          </div>
          {errors.checklist ? (
            <p id="checklist-error" className="mt-1 text-sm text-red-700" role="alert">
              {errors.checklist}
            </p>
          ) : null}
        </fieldset>
        <fieldset aria-describedby={errors.decision ? "decision-error" : undefined}>
          <legend className="text-sm font-medium text-stone-800">Your decision</legend>
          <div className="mt-2 space-y-1">
            {(
              [
                ["approve", firstOfTwo ? "Approve (first of two)" : "Approve"],
                ["request_changes", "Request changes"],
                ["reject", "Reject"],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="flex items-center gap-2 text-sm">
                <input
                  type="radio"
                  name="decision"
                  value={value}
                  required
                  onChange={() => setDecision(value)}
                />
                {label}
              </label>
            ))}
          </div>
          {errors.decision ? (
            <p id="decision-error" className="mt-1 text-sm text-red-700" role="alert">
              {errors.decision}
            </p>
          ) : null}
        </fieldset>
        <SelectField
          name="reasonCategory"
          label={needsReason ? "Reason" : "Reason (for changes or rejection)"}
          defaultValue=""
          required={needsReason}
          error={errors.reasonCategory}
          options={[
            { value: "", label: "Choose a reason…" },
            ...REASON_CATEGORIES.map((r) => ({ value: r, label: r })),
          ]}
        />
        <fieldset
          aria-describedby={errors.failed ? "failed-hint failed-error" : "failed-hint"}
          hidden={decision === "approve"}
          disabled={decision === "approve"}
        >
          <legend className="text-sm font-medium text-stone-800">
            {needsReason ? "What failed" : "What failed (for changes or rejection)"}
          </legend>
          <p id="failed-hint" className="text-xs text-stone-600">
            Point at the checklist items that do not hold; the artist sees them with your note.
          </p>
          <div className="mt-2 space-y-1">
            {page.checklist.map((item, i) => (
              <label key={item} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  name="failed"
                  value={item}
                  id={`failed-${i}`}
                  className="mt-0.5"
                />
                <span>{item}</span>
              </label>
            ))}
          </div>
          {errors.failed ? (
            <p id="failed-error" className="mt-1 text-sm text-red-700" role="alert">
              {errors.failed}
            </p>
          ) : null}
        </fieldset>
        <TextAreaField
          name="note"
          label={needsReason ? "Note to the artist" : "Note to the artist (optional for approval)"}
          hint="The artist reads this with the decision."
          rows={4}
          maxLength={2000}
          required={needsReason}
          error={errors.note}
        />
        <FormError message={errors.form ?? errors.version ?? errors.state} />
        <Button type="submit" busy={navigation.state === "submitting"}>
          Record decision
        </Button>
      </Form>
    </Card>
  );
}
