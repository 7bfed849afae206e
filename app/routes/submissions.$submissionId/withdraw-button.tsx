import { Form, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";

/** Withdrawing, after a confirmation; it names the revision shown, so a stale page changes nothing. */
export function WithdrawButton({ revision }: { revision: number }) {
  const navigation = useNavigation();
  return (
    <ConfirmDialog trigger="Withdraw…" title="Withdraw this submission?">
      {(close) => (
        <Form method="post" className="space-y-4">
          <input type="hidden" name="intent" value="withdraw" />
          <input type="hidden" name="revision" value={revision} />
          <p className="text-sm text-stone-700">
            It leaves the review queue and cannot be decided any more. Its history stays; to try
            again, submit the clip anew.
          </p>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={close}>
              Keep it in review
            </Button>
            <Button type="submit" variant="danger" busy={navigation.state === "submitting"}>
              Withdraw
            </Button>
          </div>
        </Form>
      )}
    </ConfirmDialog>
  );
}
