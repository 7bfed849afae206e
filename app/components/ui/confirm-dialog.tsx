import { Form, useNavigation } from "@remix-run/react";
import { useId, useRef, type ReactNode } from "react";
import { Button } from "./button";

/**
 * A destructive action behind a native <dialog>: it traps focus, closes with Escape, and the
 * action only happens from the confirm button inside. `children` is the form body (e.g. a reason).
 */
export function ConfirmDialog({
  trigger,
  title,
  children,
  triggerVariant = "danger",
}: {
  trigger: string;
  title: string;
  children: (close: () => void) => ReactNode;
  triggerVariant?: "danger" | "secondary" | "primary";
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const close = () => ref.current?.close();
  return (
    <>
      <Button type="button" variant={triggerVariant} onClick={() => ref.current?.showModal()}>
        {trigger}
      </Button>
      <dialog
        ref={ref}
        aria-labelledby={titleId}
        className="m-auto w-full max-w-md rounded-lg bg-surface p-0 text-ink shadow-xl backdrop:bg-black/50"
      >
        <div className="space-y-4 p-6">
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          {children(close)}
        </div>
      </dialog>
    </>
  );
}

/**
 * The usual body of a ConfirmDialog: a POST form with its hidden fields, what the person should
 * know or type (`children`, whose fields take their `error` so it shows inside the open dialog),
 * and "keep" / "confirm" buttons; "confirm" is busy while this form is submitting.
 */
export function ConfirmFormDialog({
  trigger,
  title,
  triggerVariant,
  fields,
  confirmLabel,
  cancelLabel = "Cancel",
  confirmVariant = "danger",
  children,
}: {
  trigger: string;
  title: string;
  triggerVariant?: "danger" | "secondary" | "primary";
  fields: Record<string, string | number>;
  confirmLabel: string;
  cancelLabel?: string;
  confirmVariant?: "danger" | "primary";
  children?: ReactNode;
}) {
  // Busy while this very form is on its way: the submission carries all of its hidden fields.
  const navigation = useNavigation();
  const submitted = navigation.state === "submitting" ? navigation.formData : undefined;
  const busy =
    submitted !== undefined &&
    Object.entries(fields).every(([name, value]) => submitted.get(name) === String(value));
  return (
    <ConfirmDialog trigger={trigger} title={title} triggerVariant={triggerVariant}>
      {(close) => (
        <Form method="post" className="space-y-4">
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          {children}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={close}>
              {cancelLabel}
            </Button>
            <Button type="submit" variant={confirmVariant} busy={busy}>
              {confirmLabel}
            </Button>
          </div>
        </Form>
      )}
    </ConfirmDialog>
  );
}
