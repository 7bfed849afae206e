import { Form, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";

/** Deleting the clip, after a confirmation that says what stays on record. */
export function DeleteClipDialog() {
  const navigation = useNavigation();
  const deleting = navigation.state === "submitting";
  return (
    <ConfirmDialog trigger="Delete…" title="Delete this clip?">
      {(close) => (
        <Form method="post" className="space-y-4">
          <input type="hidden" name="intent" value="delete" />
          <p className="text-sm text-stone-700">
            It leaves your studio. The program keeps a record that it existed and that you deleted
            it.
          </p>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={close}>
              Keep it
            </Button>
            <Button type="submit" variant="danger" busy={deleting}>
              Delete
            </Button>
          </div>
        </Form>
      )}
    </ConfirmDialog>
  );
}
