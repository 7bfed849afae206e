import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { buttonClass } from "./button";

const controlClass =
  "mt-1 block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm";

/** A GET form of filters: the URL holds the state, so filtered views can be shared and reloaded. */
export function FilterBar({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Form
      method="get"
      role="search"
      aria-label={label}
      className="mb-4 flex flex-wrap items-end gap-3 rounded-lg border border-stone-200 bg-white p-4"
    >
      {children}
      <button type="submit" className={buttonClass("secondary")}>
        Apply
      </button>
    </Form>
  );
}

export function FilterInput(props: {
  name: string;
  label: string;
  defaultValue?: string | null;
  placeholder?: string;
  type?: "text" | "search";
  wide?: boolean;
}) {
  return (
    <div className={props.wide ? "min-w-56 flex-1" : "min-w-40"}>
      <label htmlFor={`filter-${props.name}`} className="block text-sm font-medium">
        {props.label}
      </label>
      <input
        id={`filter-${props.name}`}
        name={props.name}
        type={props.type ?? "text"}
        defaultValue={props.defaultValue ?? ""}
        placeholder={props.placeholder}
        className={controlClass}
      />
    </div>
  );
}

export function FilterSelect(props: {
  name: string;
  label: string;
  defaultValue?: string | null;
  /** The first option, meaning "no filter". */
  anyLabel: string;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <div>
      <label htmlFor={`filter-${props.name}`} className="block text-sm font-medium">
        {props.label}
      </label>
      <select
        id={`filter-${props.name}`}
        name={props.name}
        defaultValue={props.defaultValue ?? ""}
        className={controlClass}
      >
        <option value="">{props.anyLabel}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One-click filters as links ("all", then each value), the current one marked for assistive tech. */
export function FilterTabs({
  label,
  param,
  values,
  current,
}: {
  label: string;
  param: string;
  values: readonly string[];
  current: string | null;
}) {
  return (
    <nav aria-label={label} className="flex flex-wrap gap-1 text-sm">
      {[null, ...values].map((value) => (
        <a
          key={value ?? "all"}
          href={value ? `?${param}=${value}` : "?"}
          aria-current={current === value ? "page" : undefined}
          className={`rounded-md px-3 py-1.5 capitalize ${current === value ? "bg-brand-100 font-semibold text-brand-900" : "text-stone-700 hover:bg-stone-100"}`}
        >
          {value ?? "all"}
        </a>
      ))}
    </nav>
  );
}
