import { useActionData } from "@remix-run/react";
import { errorsFor, type FailureScope } from "~/lib/intents";
import type { FieldErrors } from "~/lib/validation";

/**
 * The field errors of the last refused form, if it was the one `scope` names (a form of the page,
 * or one item's form); `{}` otherwise. Pass a fetcher's data to read a fetcher's answer instead.
 */
export function useIntentErrors(scope: FailureScope = {}, fetcherData?: unknown): FieldErrors {
  const actionData = useActionData();
  return errorsFor(fetcherData ?? actionData, scope);
}
