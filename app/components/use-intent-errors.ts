import { useActionData } from "@remix-run/react";
import { errorsFor, type FailureScope } from "~/lib/intents";
import type { FieldErrors } from "~/lib/validation";

/**
 * The field errors of the last refused form, if it was the one `scope` names (a form of the page,
 * or one item's form); `{}` otherwise. Give a fetcher to read that fetcher's answer only: a form
 * sent by a fetcher never shows the page's own refusals, nor the page a fetcher's.
 */
export function useIntentErrors(
  scope: FailureScope = {},
  fetcher?: { data?: unknown },
): FieldErrors {
  const actionData = useActionData();
  return errorsFor(fetcher ? fetcher.data : actionData, scope);
}
