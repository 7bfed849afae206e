import {
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import { filterOptions, type ComboOption } from "~/lib/combobox";
import { FieldShell } from "./field";

// A searchable pick-several list (the WAI-ARIA combobox pattern): type to filter, arrow keys to
// move, Enter to choose, Escape to close; the choices are chips with a remove button, and hidden
// inputs post them under `name`, as the plain list did. The server (and a browser without
// JavaScript) renders a <select multiple> of the same options under the same name: the control
// becomes the combobox once the page is hydrated.

type Props = {
  name: string;
  label: string;
  /** Sorted as they should be listed (by name). */
  options: readonly ComboOption[];
  defaultValue?: readonly string[];
  hint?: string;
  error?: string | null;
  /** What a chip's remove button says, e.g. "Remove" → "Remove Japan". */
  removeLabel?: string;
  placeholder?: string;
  /** Where nothing matches: `No match for “…”.` by default. */
  noMatch?: (query: string) => string;
};

const touch = "min-h-11"; // 44 px: every control here is a touch target

export function MultiCombobox({
  name,
  label,
  options,
  defaultValue = [],
  hint,
  error,
  removeLabel = "Remove",
  placeholder = "Type to search",
  noMatch = (q) => `No match for “${q}”.`,
}: Props) {
  const id = useId();
  const [enhanced, setEnhanced] = useState(false);
  const [chosen, setChosen] = useState<string[]>([...defaultValue]);
  const [query, setQuery] = useState("");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => setEnhanced(true), []);

  const labelOf = useMemo(() => new Map(options.map((o) => [o.value, o.label])), [options]);
  const matches = useMemo(() => filterOptions(options, query, chosen), [options, query, chosen]);
  const activeOption = open ? matches[Math.min(active, matches.length - 1)] : undefined;
  const optionId = (value: string) => `${id}-option-${value}`;
  // Until the page is hydrated the list is the browser's own, with its own way to pick several.
  const shownHint = enhanced ? hint : "Hold Ctrl (or ⌘) to choose several.";
  const describedBy =
    [shownHint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") ||
    undefined;

  useEffect(() => {
    if (!activeOption) return;
    document.getElementById(optionId(activeOption.value))?.scrollIntoView?.({ block: "nearest" });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- optionId only depends on id
  }, [activeOption]);

  const choose = (value: string) => {
    setChosen((now) => (now.includes(value) ? now : [...now, value]));
    setQuery("");
    setActive(0);
    input.current?.focus();
  };
  const remove = (value: string) => {
    setChosen((now) => now.filter((v) => v !== value));
    input.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) setOpen(true);
        else setActive((a) => Math.min(a + 1, matches.length - 1));
        break;
      case "ArrowUp":
        event.preventDefault();
        setActive((a) => Math.max(a - 1, 0));
        break;
      case "Enter":
        // Enter picks the highlighted country; it never sends the form half-filled.
        if (open && activeOption) {
          event.preventDefault();
          choose(activeOption.value);
        }
        break;
      case "Escape":
        if (open) {
          event.preventDefault();
          setOpen(false);
        } else if (query) {
          event.preventDefault();
          setQuery("");
        }
        break;
      case "Backspace":
        if (!query && chosen.length > 0) remove(chosen[chosen.length - 1]!);
        break;
    }
  };

  const shell = (control: ReactNode) => (
    <FieldShell id={id} label={label} hint={shownHint} error={error}>
      {control}
    </FieldShell>
  );

  if (!enhanced)
    return shell(
      <select
        id={id}
        name={name}
        multiple
        size={6}
        defaultValue={[...defaultValue]}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        className="block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm"
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>,
    );

  return shell(
    <div
      className="relative"
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      {chosen.length > 0 ? (
        <ul aria-label={`Chosen: ${label}`} className="mb-2 flex flex-wrap gap-2">
          {chosen.map((value) => (
            <li
              key={value}
              className="inline-flex items-center rounded-full bg-brand-100 pl-3 text-sm text-brand-900"
            >
              {labelOf.get(value) ?? value}
              <input type="hidden" name={name} value={value} />
              <button
                type="button"
                onClick={() => remove(value)}
                aria-label={`${removeLabel} ${labelOf.get(value) ?? value}`}
                className={`${touch} min-w-11 rounded-full text-base leading-none hover:bg-brand-200`}
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <input
        ref={input}
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={`${id}-listbox`}
        aria-activedescendant={activeOption ? optionId(activeOption.value) : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        placeholder={placeholder}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onClick={() => setOpen(true)}
        onKeyDown={onKeyDown}
        className={`${touch} block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-stone-500 focus:border-brand-700 aria-[invalid=true]:border-red-600`}
      />
      <ul
        id={`${id}-listbox`}
        role="listbox"
        aria-label={label}
        aria-multiselectable="true"
        hidden={!open}
        className="absolute z-20 mt-1 max-h-64 w-full overflow-y-auto rounded-md border border-stone-300 bg-white py-1 shadow-lg"
      >
        {matches.length === 0 ? (
          <li role="presentation" className="px-3 py-2 text-sm text-stone-600">
            {noMatch(query)}
          </li>
        ) : (
          matches.map((o) => (
            // The keys are the input's (the combobox pattern keeps the focus there); the
            // options only take the pointer.
            // eslint-disable-next-line jsx-a11y/click-events-have-key-events
            <li
              key={o.value}
              id={optionId(o.value)}
              role="option"
              aria-selected={o.value === activeOption?.value}
              // Keep the focus in the input: the click chooses, the input stays the one control.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => choose(o.value)}
              onMouseMove={() => setActive(matches.indexOf(o))}
              className={`${touch} flex cursor-pointer items-center px-3 text-sm ${o.value === activeOption?.value ? "bg-brand-100 text-brand-900" : "text-stone-800"}`}
            >
              {o.label}
            </li>
          ))
        )}
      </ul>
    </div>,
  );
}
