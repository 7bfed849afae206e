import { Form, Link } from "@remix-run/react";
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
  type?: "text" | "search" | "date";
  wide?: boolean;
  /** A refusal of this filter's value, shown under it. */
  error?: string | null;
}) {
  const errorId = `filter-${props.name}-error`;
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
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? errorId : undefined}
        className={controlClass}
      />
      {props.error ? (
        <p id={errorId} className="mt-1 text-sm text-red-800">
          {props.error}
        </p>
      ) : null}
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

/**
 * One-click filters as links, the current one marked for assistive tech: first a tab that clears
 * the filter (unless `allLabel` is null, for pages that always filter), then one per value, named
 * by `labels` (or the value itself) and followed by its count when `counts` has one.
 */
export function FilterTabs<V extends string>({
  label,
  param,
  values,
  current,
  labels,
  counts,
  allLabel,
}: {
  label: string;
  param: string;
  values: readonly V[];
  current: V | null | undefined;
  /** What each tab says; a value without a label is shown as itself. */
  labels?: Partial<Record<V, string>>;
  /** Shown after the label, as "Waiting (3)". */
  counts?: Partial<Record<V, number>>;
  /** The first tab, which clears the filter: "all" unless named; null for no such tab. */
  allLabel?: string | null;
}) {
  const tabs = [
    ...(allLabel === null ? [] : [{ value: null, name: allLabel }]),
    ...values.map((value) => ({ value, name: labels?.[value] })),
  ];
  return (
    <nav aria-label={label} className="flex flex-wrap gap-1 text-sm">
      {tabs.map(({ value, name }) => {
        const active = (current ?? null) === value;
        const count = value === null ? undefined : counts?.[value];
        return (
          <Link
            key={value ?? ""}
            to={value ? `?${param}=${value}` : "?"}
            aria-current={active ? "page" : undefined}
            // A bare value ("pending") is shown capitalised; a given label is shown as written.
            className={`rounded-md px-3 py-1.5${name === undefined ? " capitalize" : ""} ${active ? "bg-brand-100 font-semibold text-brand-900" : "text-stone-700 hover:bg-stone-100"}`}
          >
            {name ?? value ?? "all"}
            {count === undefined ? null : ` (${count})`}
          </Link>
        );
      })}
    </nav>
  );
}
