import type { FieldErrors } from "./validation";

// The contract between an action and its page (app/.server/http/intents.ts makes it, the
// useIntentErrors hook reads it): a refusal names the form it came from, or the item it concerns,
// so the page shows its message there and nowhere else.

/** Where on the page a failure shows: a named form, or the item one of many forms is about. */
export type FailureScope = { form?: string; id?: string };

export type ActionFailure = { ok: false; errors: FieldErrors } & FailureScope;

export function isFailure(value: unknown): value is ActionFailure {
  return Boolean(value) && typeof value === "object" && (value as { ok?: unknown }).ok === false;
}

/** The failure's errors if it belongs to `scope` (a form or an item), else none. */
export function errorsFor(value: unknown, scope: FailureScope = {}): FieldErrors {
  if (!isFailure(value)) return {};
  if (scope.form !== undefined && value.form !== scope.form) return {};
  if (scope.id !== undefined && value.id !== scope.id) return {};
  return value.errors;
}
