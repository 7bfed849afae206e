import { data, type HeadersFunction } from "@remix-run/node";
import type { z } from "zod";
import { fieldErrors, type FieldErrors } from "~/lib/validation";
import { UserError } from "./errors";

/** Headers of a route's own answer that the browser must get (besides Set-Cookie). */
const PASSED_HEADERS = ["Retry-After"];

/**
 * Every page route exports this as `headers`. Remix builds a page's headers (documents and
 * `.data` alike) from route `headers` functions and keeps only Set-Cookie from a loader's or an
 * action's own answer, so without it a 429's Retry-After never reached the browser.
 */
export const routeHeaders: HeadersFunction = ({
  parentHeaders,
  loaderHeaders,
  actionHeaders,
  errorHeaders,
}) => {
  const headers = new Headers();
  for (const source of [parentHeaders, loaderHeaders, actionHeaders, errorHeaders]) {
    for (const name of PASSED_HEADERS) {
      const value = source?.get(name);
      if (value) headers.set(name, value);
    }
  }
  return headers;
};

/**
 * `form` names which of a page's forms failed, when a page has several; `id` the item, on pages
 * that list many items each with its own forms.
 */
export type ActionFailure = { ok: false; errors: FieldErrors; form?: string; id?: string };

/** A 4xx the form shows next to its fields. */
export function failure(errors: FieldErrors, status = 400, headers?: HeadersInit, form?: string) {
  return data<ActionFailure>(form ? { ok: false, errors, form } : { ok: false, errors }, {
    status,
    headers,
  });
}

/** Turns a person's mistake into a 4xx for the form; anything else is our bug and is rethrown. */
export function userErrorToResponse(error: unknown, form?: string) {
  if (error instanceof UserError) {
    return failure({ [error.field ?? "form"]: error.message }, error.status, error.headers, form);
  }
  throw error;
}

export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  form?: string,
): { ok: true; data: z.infer<S> } | { ok: false; response: ReturnType<typeof failure> } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, response: failure(fieldErrors(result.error), 422, undefined, form) };
}

/** Reads a positive page number from the query, falling back to 1 for anything odd. */
export function pageParam(url: URL) {
  const n = Number.parseInt(url.searchParams.get("page") ?? "1", 10);
  return Number.isSafeInteger(n) && n > 0 && n < 100_000 ? n : 1;
}

/** A safe place to go after signing in: only paths on this site. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/") {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\"))
    return fallback;
  return to;
}

/**
 * Loads what a page behind an emailed link needs. A used, expired or unknown link is the
 * person's situation, not our error: it becomes `{ valid: false, message }` with its 4xx status.
 */
export async function loadLinkPage<T extends object>(load: () => Promise<T>) {
  try {
    return { valid: true as const, message: null, ...(await load()) };
  } catch (error) {
    if (error instanceof UserError) {
      return data({ valid: false as const, message: error.message }, { status: error.status });
    }
    throw error;
  }
}

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
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!FORM_TYPES.includes(type))
    return {
      ok: false,
      response: failure(
        { form: "This page takes a form (sent by its own buttons), not other kinds of data." },
        415,
      ),
    };
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return {
      ok: false,
      response: failure({ form: "The form could not be read. Reload the page and try again." }),
    };
  }
  for (const [name, value] of form) {
    if (UNSTORABLE.test(name) || (typeof value === "string" && UNSTORABLE.test(value))) {
      const field = UNSTORABLE.test(name) ? "form" : name;
      const context = { intent: form.get("intent"), id: form.get("id") };
      return {
        ok: false,
        response: data<ActionFailure>(
          {
            ok: false,
            errors: { [field]: UNSTORABLE_MESSAGE },
            ...(typeof context.intent === "string" && !UNSTORABLE.test(context.intent)
              ? { form: context.intent }
              : {}),
            ...(typeof context.id === "string" && !UNSTORABLE.test(context.id)
              ? { id: context.id }
              : {}),
          },
          { status: 400 },
        ),
      };
    }
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

/**
 * A loader's domain call. A UserError (a hand-edited cursor, an unknown id) becomes the error
 * page with its 4xx and message; anything else is our bug and stays a 500.
 */
export async function loadOrRespond<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof UserError) throw new Response(error.message, { status: error.status });
    throw error;
  }
}

/**
 * For pages listing many items, each with its own forms: the failure carries the id of the item
 * (or the name of the form) it concerns, so the message shows there and nowhere else.
 */
export function itemFailure(error: unknown, id: string) {
  if (error instanceof UserError)
    return data(
      { ok: false as const, errors: { [error.field ?? "form"]: error.message }, id },
      { status: error.status, headers: error.headers },
    );
  throw error;
}

/** itemFailure's twin for a form that did not parse: every field's message, for that item. */
export function itemParseFailure(error: z.ZodError, id: string) {
  return data({ ok: false as const, errors: fieldErrors(error), id }, { status: 422 });
}
