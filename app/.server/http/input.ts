import { data } from "@remix-run/node";
import type { z } from "zod";
import type { ActionFailure } from "~/lib/intents";
import { plainErrors, type FieldErrors } from "~/lib/validation";
import type { failure } from "./responses";

// Input as it arrives: the one place a request body becomes fields and the query becomes values,
// so what every field needs checking (NUL, the body's type) is checked once.

/** What no stored string may hold: PostgreSQL refuses NUL in text, so it would be a 500. */
// eslint-disable-next-line no-control-regex -- matching the control character is the point
const UNSTORABLE = /\u0000/;
export const UNSTORABLE_MESSAGE =
  "This contains an invisible character that cannot be stored (a NUL byte). Remove it and try again.";

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/**
 * Reads the form a route was posted: the one place a request body becomes fields, so the checks
 * every field needs happen once. A body that is not a form (JSON, plain text) is a 415; a field
 * holding NUL is a 400 with the message next to that field. The failure names the posted intent
 * and item id, as the page's forms expect (see itemFailure).
 */
export async function readForm(
  request: Request,
): Promise<{ ok: true; form: FormData } | { ok: false; response: ReturnType<typeof failure> }> {
  const input = await readFormInput(request);
  if (input.ok) return input;
  const scope = input.form ? scopeOfFields(input.form) : {};
  return {
    ok: false,
    response: data<ActionFailure>(
      { ok: false, errors: input.errors, ...scope },
      { status: input.status },
    ),
  };
}

/** The posted intent and item id, when they are plain text (the pages' default scope). */
function scopeOfFields(form: FormData) {
  const intent = form.get("intent");
  const id = form.get("id");
  return {
    ...(typeof intent === "string" && !UNSTORABLE.test(intent) ? { form: intent } : {}),
    ...(typeof id === "string" && !UNSTORABLE.test(id) ? { id } : {}),
  };
}

/**
 * readForm's findings without a response: the form, or why it cannot be used (with the form when
 * it could be read, so the caller can say which of its forms it was).
 */
export async function readFormInput(
  request: Request,
): Promise<
  | { ok: true; form: FormData }
  | { ok: false; status: 400 | 415; errors: FieldErrors; form?: FormData }
> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!FORM_TYPES.includes(type))
    return {
      ok: false,
      status: 415,
      errors: {
        form: "This page takes a form (sent by its own buttons), not other kinds of data.",
      },
    };
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return {
      ok: false,
      status: 400,
      errors: { form: "The form could not be read. Reload the page and try again." },
    };
  }
  for (const [name, value] of form) {
    if (UNSTORABLE.test(name))
      return { ok: false, status: 400, errors: { form: UNSTORABLE_MESSAGE }, form };
    if (typeof value === "string" && UNSTORABLE.test(value))
      return { ok: false, status: 400, errors: { [name]: UNSTORABLE_MESSAGE }, form };
  }
  return { ok: true, form };
}

/**
 * A URL that holds NUL anywhere (path or query) can only be a mistake or a probe: the server
 * refuses it before any route sees it (server/app.ts), so no loader has to check its parameters.
 */
export function urlHasUnstorable(url: string) {
  return /%00/i.test(url) || UNSTORABLE.test(url);
}

/** Form fields as an object; the names in `lists` keep every value (checkbox groups). */
export function formFields(form: FormData, lists: readonly string[] = []) {
  const fields: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
  for (const key of new Set(form.keys()))
    fields[key] = lists.includes(key) ? form.getAll(key) : form.get(key)!;
  return fields;
}

/** Reads a positive page number from the query, falling back to 1 for anything odd. */
export function pageParam(url: URL) {
  const n = Number.parseInt(url.searchParams.get("page") ?? "1", 10);
  return Number.isSafeInteger(n) && n > 0 && n < 100_000 ? n : 1;
}

/**
 * The query of a loader's URL, parsed with `schema` (give odd values a `.catch()` default where a
 * hand-edited address should just show the page). What still does not parse is a 400 page with a
 * plain message, never a 500; `refuse` answers it instead where a route says it its own way.
 */
export function readQuery<S extends z.ZodType>(
  request: Request,
  schema: S,
  refuse?: (error: z.ZodError) => Response,
): z.infer<S> {
  const result = schema.safeParse(
    Object.fromEntries(new URL(request.url).searchParams),
    plainErrors,
  );
  if (result.success) return result.data;
  if (refuse) throw refuse(result.error);
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` (${issue.path.join(".")})` : "";
  throw new Response(`This address has a value the page cannot use${where}: ${issue?.message}`, {
    status: 400,
  });
}
