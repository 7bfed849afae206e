// The player's dark control bar: one look for every button in it. Pressed toggles get the lighter
// fill; the focus ring is the brand green that reads on stone-900.
export const controlClass =
  "inline-flex h-9 min-w-9 items-center justify-center gap-1.5 rounded-md px-2 text-sm font-medium text-stone-100 transition-colors hover:bg-stone-700 focus-visible:outline-brand-600 disabled:cursor-not-allowed disabled:opacity-40 disabled:hover:bg-transparent aria-pressed:bg-stone-600 aria-pressed:text-white";

/** A text button inside the bar (Clear loop, Go to that frame). */
export const linkClass =
  "rounded px-1.5 py-0.5 font-semibold text-brand-100 underline-offset-2 hover:underline focus-visible:outline-brand-600";
