import { useEffect, useRef, type RefObject } from "react";

const NON_TEXT_INPUTS = new Set([
  "range",
  "checkbox",
  "radio",
  "button",
  "submit",
  "reset",
  "color",
]);

/** Keys typed into these are text (or a choice in a menu), not shortcuts. */
function isTypingTarget(element: Element) {
  if (element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement) return true;
  if (element instanceof HTMLInputElement) return !NON_TEXT_INPUTS.has(element.type);
  return element instanceof HTMLElement && element.isContentEditable;
}

/**
 * Single-key shortcuts (keyed by KeyboardEvent.key, letters in lower case) for keys pressed while
 * focus is inside `container`, except in text fields, selects and open dialogs, and never with
 * Ctrl, Alt or Cmd (those belong to the browser). A native listener rather than onKeyDown: the
 * player is a region, not a widget, and must hear keys from every control inside it.
 */
export function useShortcuts(
  container: RefObject<HTMLElement>,
  shortcuts: Record<string, () => void>,
) {
  const latest = useRef(shortcuts);
  useEffect(() => {
    latest.current = shortcuts;
  });
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target instanceof Element ? event.target : null;
      if (!target || isTypingTarget(target) || target.closest("dialog")) return;
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      const action = latest.current[key];
      if (!action) return;
      // Space already activates a focused button, link or checkbox; let it.
      if (key === " " && target.closest("button, a, summary, input:not([type=range])")) return;
      event.preventDefault();
      action();
    };
    element.addEventListener("keydown", onKeyDown);
    return () => element.removeEventListener("keydown", onKeyDown);
  }, [container]);
}
