import { forwardRef, useId } from "react";

/** The player's keyboard shortcuts, in the order the sheet lists them. */
export const SHORTCUTS: { keys: string[]; action: string }[] = [
  { keys: ["Space"], action: "Play or pause" },
  { keys: [","], action: "Previous frame" },
  { keys: ["."], action: "Next frame" },
  { keys: ["J"], action: "Play backwards (again: faster)" },
  { keys: ["K"], action: "Pause" },
  { keys: ["L"], action: "Play (again: faster, up to 2×)" },
  { keys: ["Home"], action: "First frame" },
  { keys: ["End"], action: "Last frame" },
  { keys: ["I"], action: "Mark loop in" },
  { keys: ["O"], action: "Mark loop out" },
  { keys: ["X"], action: "Clear the loop" },
  { keys: ["F"], action: "Fullscreen" },
  { keys: ["?"], action: "Show these shortcuts" },
];

/**
 * The keyboard shortcut sheet: a native <dialog> opened with showModal(), so it traps focus,
 * closes with Escape and returns focus to whatever opened it.
 */
export const ShortcutSheet = forwardRef<
  HTMLDialogElement,
  { extra?: { keys: string[]; action: string }[] }
>(function ShortcutSheet({ extra = [] }, ref) {
  const titleId = useId();
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      className="m-auto w-[min(100%-2rem,28rem)] surface-dark rounded-lg bg-white p-0 shadow-xl backdrop:bg-black/60"
    >
      <div className="p-5">
        <div className="flex items-center justify-between gap-4">
          <h2 id={titleId} className="text-lg font-semibold">
            Keyboard shortcuts
          </h2>
          <form method="dialog">
            <button
              type="submit"
              className="rounded-md px-2 py-1 text-sm font-semibold text-stone-700 hover:bg-stone-100"
            >
              Close
            </button>
          </form>
        </div>
        <p className="mt-1 text-sm text-stone-600">
          They work while the player has focus, except when typing in a field.
        </p>
        <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          {[...SHORTCUTS, ...extra].map(({ keys, action }) => (
            <div key={action} className="contents">
              <dt className="text-right">
                {keys.map((key) => (
                  <kbd
                    key={key}
                    className="inline-block min-w-7 rounded border border-stone-300 bg-stone-50 px-1.5 py-0.5 text-center font-mono text-xs font-semibold text-stone-800 shadow-[inset_0_-1px_0_var(--color-stone-300)]"
                  >
                    {key}
                  </kbd>
                ))}
              </dt>
              <dd className="text-stone-700">{action}</dd>
            </div>
          ))}
        </dl>
      </div>
    </dialog>
  );
});
