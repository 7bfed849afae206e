import { data, type HeadersFunction } from "@remix-run/node";
import type { z } from "zod";
import type { ActionFailure } from "~/lib/intents";
import { fieldErrors, plainErrors, type FieldErrors } from "~/lib/validation";
import { UserError } from "../errors";

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

export type { ActionFailure } from "~/lib/intents";

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
  const result = schema.safeParse(input, plainErrors);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, response: failure(fieldErrors(result.error), 422, undefined, form) };
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

/**
 * A loader's domain call. A UserError (a hand-edited cursor, an unknown id) becomes the error
 * page with its 4xx, message and headers (a 429's Retry-After); anything else is our bug and
 * stays a 500.
 */
export async function loadOrRespond<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof UserError)
      throw new Response(error.message, { status: error.status, headers: error.headers });
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
