import { Form, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { TextAreaField } from "~/components/ui/field";
import type { FieldErrors } from "~/lib/validation";

/** Denies a request or revokes a license, with the reason the artist reads. */
export function ReasonForm({
  intent,
  id,
  close,
  errors,
}: {
  intent: "deny" | "revoke";
  id: string;
  close: () => void;
  errors: FieldErrors;
}) {
  const navigation = useNavigation();
  return (
    <Form method="post" className="space-y-4">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <TextAreaField
        name="reason"
        label="Reason (the artist reads it)"
        rows={3}
        required
        maxLength={1000}
        error={errors.reason}
      />
      <div className="flex justify-end gap-2">
        <Button type="button" variant="secondary" onClick={close}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" busy={navigation.state === "submitting"}>
          {intent === "deny" ? "Deny" : "Revoke"}
        </Button>
      </div>
    </Form>
  );
}
