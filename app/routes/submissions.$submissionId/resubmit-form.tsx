import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { FormError, SelectField, TextAreaField } from "~/components/ui/field";
import { Card } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import type { loader } from "./route";

/** After changes were requested: the next version, with another clip or the same one and a note. */
export function ResubmitForm({ clipId }: { clipId: string }) {
  const page = useLoaderData<typeof loader>();
  const errors = useIntentErrors();
  const navigation = useNavigation();
  return (
    <Card className="border-amber-300">
      <h2 className="text-lg font-semibold">
        Resubmit as version {page.submission.currentVersion + 1}
      </h2>
      <p className="mt-1 text-sm text-stone-700">
        Send another clip, or the same one with a note on what you changed or why it stands.
      </p>
      <Form method="post" className="mt-3 space-y-4">
        <input type="hidden" name="intent" value="resubmit" />
        <input type="hidden" name="revision" value={page.submission.revision} />
        <SelectField
          name="clipId"
          label="Clip"
          defaultValue={clipId}
          error={errors.clipId}
          options={page.choices.map((c) => ({
            value: c.id,
            label: `${c.id === clipId ? "Same clip: " : ""}${c.prompt.slice(0, 44)}${c.prompt.length > 44 ? "…" : ""}`,
          }))}
        />
        <TextAreaField
          name="note"
          label="Note to the reviewers"
          rows={3}
          maxLength={2000}
          error={errors.note}
        />
        <FormError message={errors.form} />
        <Button type="submit" busy={navigation.state === "submitting"}>
          Resubmit
        </Button>
      </Form>
    </Card>
  );
}
