import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";

const inputClass =
  "block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-stone-500 focus:border-brand-700 aria-[invalid=true]:border-red-600";

type FieldProps = {
  label: string;
  error?: string | null;
  hint?: ReactNode;
};

/** A control's label above it, then its hint and its error: every form control's frame. */
export function FieldShell({
  id,
  label,
  error,
  hint,
  children,
}: FieldProps & { id: string; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-stone-800">
        {label}
      </label>
      {children}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-stone-600">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-700" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The id and ARIA wiring every control shares: its label, hint and error point at it. */
function useControl(
  props: { id?: string; className?: string },
  error?: string | null,
  hint?: ReactNode,
) {
  const generated = useId();
  const id = props.id ?? generated;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(" ");
  return {
    id,
    control: {
      id,
      "aria-invalid": error ? true : undefined,
      "aria-describedby": describedBy || undefined,
      className: `${inputClass} ${props.className ?? ""}`,
    },
  };
}

export function TextField({
  label,
  error,
  hint,
  ...props
}: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const { id, control } = useControl(props, error, hint);
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      <input {...props} {...control} />
    </FieldShell>
  );
}

export function TextAreaField({
  label,
  error,
  hint,
  ...props
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const { id, control } = useControl(props, error, hint);
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      <textarea {...props} {...control} />
    </FieldShell>
  );
}

export function SelectField({
  label,
  error,
  hint,
  options,
  ...props
}: FieldProps &
  SelectHTMLAttributes<HTMLSelectElement> & {
    options: readonly { value: string; label: string; disabled?: boolean }[];
  }) {
  const { id, control } = useControl(props, error, hint);
  return (
    <FieldShell id={id} label={label} error={error} hint={hint}>
      <select {...props} {...control}>
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function FormError({ message }: { message?: string | null }) {
  if (!message) return null;
  return (
    <div
      role="alert"
      className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800"
    >
      {message}
    </div>
  );
}
