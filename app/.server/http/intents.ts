import {
  data,
  type ActionFunctionArgs,
  type AppLoadContext,
  type TypedResponse,
} from "@remix-run/node";
import type { z } from "zod";
import type { ActionFailure, FailureScope } from "~/lib/intents";
import type { Permission } from "~/lib/permissions";
import { fieldErrors, plainErrors, UNKNOWN_ACTION, type FieldErrors } from "~/lib/validation";
import { requireActor, type ActingUser } from "../auth/guards";
import type { Db } from "../db";
import { UserError } from "../errors";
import { redirectWithFlash, type Flash } from "../flash";
import { deliverEmails } from "../mail/send";
import { formFields, readFormInput } from "./input";

// One runner for every form a page posts. A route declares its intents as a table (what the form
// carries, which domain function it calls, where to go after); the runner owns the rest, the same
// way everywhere: read the form once (readFormInput: NUL and non-form bodies), parse it with zod
// (422 with a message per field), call the domain, turn a UserError into its 4xx next to the
// field, deliver the emails the change queued once it committed, and answer (usually a redirect
// with a flash message). Where a refusal shows on the page is the intent's `at`.

type Fields = Record<string, FormDataEntryValue | FormDataEntryValue[]>;

/** What an intent's `run` and `then` get besides the parsed input. */
export type IntentContext<A> = {
  actor: A;
  db: Db;
  context: AppLoadContext;
  request: Request;
  params: ActionFunctionArgs["params"];
  /** The form's raw fields (for ids and keys that need no parsing). */
  fields: Fields;
  appUrl: string;
  /** A redirect to `to` that shows `message` there once. */
  flash: (to: string, message: string, kind?: Flash["kind"]) => Promise<Response>;
};

/** What a successful intent may answer: a Response (a redirect), data for the page, or nothing. */
type Answer =
  | Response
  | TypedResponse<unknown>
  | ReturnType<typeof data>
  | Record<string, unknown>
  | null
  | undefined;

export type Intent<A, S extends z.ZodType | undefined, R> = {
  /** The form's fields, parsed once; a failure is a 422 with a message per field. */
  input?: S;
  /** Fields whose every value is kept (checkbox groups, multi-selects). */
  lists?: readonly string[];
  /** Where a refusal of this intent shows on the page (default: the page's top). */
  at?: (fields: Fields) => FailureScope;
  /** Calls the domain. Return `emailIds` to have them delivered once the change committed. */
  run: (input: [S] extends [z.ZodType] ? z.infer<S> : Fields, ctx: IntentContext<A>) => Promise<R>;
  /** The answer after success (after the emails went out); `{ ok: true, intent }` by default. */
  then?: (result: R, ctx: IntentContext<A>) => Answer | Promise<Answer>;
};

/** Declares one intent of a route, with the route's actor type; it only helps TypeScript infer. */
export type IntentBuilder<A> = <S extends z.ZodType | undefined = undefined, R = unknown>(
  definition: Intent<A, S, R>,
) => Intent<A, S, R>;

/** The key of the intent a form posts when it has no `intent` field (a page with one form). */
export const DEFAULT_INTENT = "";

/**
 * The key of the intent that answers a form naming an intent the table does not have, instead of
 * the runner's 400 UNKNOWN_ACTION (for pages whose refusal of a stray intent has its own
 * message, status or field: its `input` or `run` refuses it).
 */
export const OTHER_INTENT = "*";

// The table holds intents of many input and result types; each was checked when it was declared
// (IntentBuilder), and the runner hands each its own parsed input and its own run's result.
type AnyIntent<A> = Omit<Intent<A, z.ZodType | undefined, unknown>, "run" | "then"> & {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  run: (input: any, ctx: IntentContext<A>) => Promise<unknown>;
  then?: (result: never, ctx: IntentContext<A>) => Answer | Promise<Answer>;
};
type IntentTable<A> = (intent: IntentBuilder<A>) => Record<string, AnyIntent<A>>;

export type IntentActionOptions = {
  /** Where an unknown intent shows, and a refusal of an intent without `at`. */
  unknownAt?: FailureScope;
};

/**
 * The route's `action`: the guard, then the intent the form names, run by the table. The guard is
 * a permission (the signed-in person must hold it and becomes the actor), or a function of the
 * request for anything else (anonymous pages).
 */
export function intentAction(
  guard: Permission,
  table: IntentTable<ActingUser>,
  options?: IntentActionOptions,
): (args: ActionFunctionArgs) => Promise<unknown>;
export function intentAction<A>(
  guard: (args: ActionFunctionArgs) => A,
  table: IntentTable<A>,
  options?: IntentActionOptions,
): (args: ActionFunctionArgs) => Promise<unknown>;
export function intentAction<A>(
  guard: Permission | ((args: ActionFunctionArgs) => A),
  table: IntentTable<A>,
  options: IntentActionOptions = {},
) {
  const intents = table((definition) => definition);
  return async (args: ActionFunctionArgs) => {
    const actor = (
      typeof guard === "function" ? guard(args) : requireActor(args.request, args.context, guard)
    ) as A;
    return runIntent(args, actor, intents as Record<string, AnyIntent<A>>, options);
  };
}

function refusal(
  errors: FieldErrors,
  status: number,
  scope: FailureScope,
  headers?: Record<string, string>,
) {
  return data<ActionFailure>({ ok: false, errors, ...scope }, { status, headers });
}

async function runIntent<A>(
  { request, context, params }: ActionFunctionArgs,
  actor: A,
  intents: Record<string, AnyIntent<A>>,
  options: IntentActionOptions,
) {
  const input = await readFormInput(request);
  const posted = input.form?.get("intent");
  const name = typeof posted === "string" ? posted : DEFAULT_INTENT;
  const key = Object.hasOwn(intents, name) ? name : OTHER_INTENT;
  const definition = Object.hasOwn(intents, key) ? intents[key] : undefined;
  const scopeOf = (fields: Fields) => definition?.at?.(fields) ?? options.unknownAt ?? {};

  if (!input.ok) {
    const scope = input.form && definition ? scopeOf(formFields(input.form)) : {};
    return refusal(input.errors, input.status, scope);
  }
  const fields = formFields(input.form, definition?.lists ?? []);
  if (!definition) return refusal({ form: UNKNOWN_ACTION }, 400, options.unknownAt ?? {});
  const scope = scopeOf(fields);

  let parsed: unknown = fields;
  if (definition.input) {
    const result = definition.input.safeParse(fields, plainErrors);
    if (!result.success) return refusal(fieldErrors(result.error), 422, scope);
    parsed = result.data;
  }
  const ctx: IntentContext<A> = {
    actor,
    db: context.db,
    context,
    request,
    params,
    fields,
    appUrl: context.env.APP_URL,
    flash: (to, message, kind = "success") => redirectWithFlash(context, to, { kind, message }),
  };
  try {
    const result = await definition.run(parsed as never, ctx);
    await deliverEmails(context.db, context.mailer, emailIdsOf(result));
    if (definition.then) return await definition.then(result as never, ctx);
    return { ok: true as const, intent: name };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return refusal({ [error.field ?? "form"]: error.message }, error.status, scope, error.headers);
  }
}

/** The outbox ids a domain call returned as `emailIds` (null: nobody wanted that email). */
function emailIdsOf(result: unknown): string[] {
  const ids = (result as { emailIds?: unknown } | null | undefined)?.emailIds;
  if (!Array.isArray(ids)) return [];
  return ids.filter((id): id is string => typeof id === "string");
}
