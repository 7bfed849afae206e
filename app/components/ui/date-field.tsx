import { useState, type InputHTMLAttributes, type ReactNode } from "react";
import { formatDay } from "~/lib/dates";
import { TextField } from "./field";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "defaultValue"> & {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  defaultValue?: string;
};

/**
 * A date input (the browser's own picker, which writes the day in the browser's locale) with the
 * chosen day written under it the way every page writes dates ("3 Nov 2026", lib/dates.ts), so
 * what was picked can be read against the rest of the page. It posts YYYY-MM-DD as before.
 */
export function DateField({ hint, defaultValue, onChange, ...props }: Props) {
  const [value, setValue] = useState(defaultValue ?? "");
  const chosen = /^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDay(value) : null;
  return (
    <TextField
      {...props}
      type="date"
      defaultValue={defaultValue}
      onChange={(event) => {
        setValue(event.target.value);
        onChange?.(event);
      }}
      hint={
        <>
          {chosen ? `Chosen: ${chosen}.` : "No day chosen."}
          {hint ? <> {hint}</> : null}
        </>
      }
    />
  );
}
