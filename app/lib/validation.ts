import { z } from "zod";
import { roles } from "./permissions";

// Shared between forms and the server so the browser and the server agree on every rule.
export const emailField = z
  .string({ error: "Enter an email address." })
  .trim()
  .min(1, "Enter an email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com." }))
  .transform((value) => value.toLowerCase());

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export const passwordField = z
  .string({ error: "Enter a password." })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`);

export const displayNameField = z
  .string({ error: "Enter your name." })
  .trim()
  .min(1, "Enter your name.")
  .max(80, "Use at most 80 characters.");

export const roleField = z.enum(roles, { error: "Choose artist, reviewer or admin." });

export const reasonField = z
  .string({ error: "Give a reason." })
  .trim()
  .min(3, "Give a reason of at least 3 characters.")
  .max(500, "Use at most 500 characters.");

// A form sends one ticked checkbox (or selected option) as a string, several as an array, and none
// at all: all three become an array of `item`. Bound its length with .check(z.minLength(…)).
export const manyValues = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]),
    z.array(item),
  );

/** A single checkbox: ticked sends "on" (or "true" from scripts), unticked sends nothing. */
export const checkboxValue = z.preprocess(
  (v) => v === "on" || v === "true" || v === true,
  z.boolean(),
);

/** The years a date may fall in: PostgreSQL refuses year 0, and nothing here is that old or far. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2999;

/** A calendar day as a date input sends it, YYYY-MM-DD, in a year from 1900 to 2999. */
export const isoDay = z
  .string({ error: "Choose a date." })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Choose a date.")
  .refine((v) => {
    const year = Number(v.slice(0, 4));
    return year >= MIN_YEAR && year <= MAX_YEAR;
  }, `Choose a date between ${MIN_YEAR} and ${MAX_YEAR}.`)
  // Date.parse rolls 2030-02-30 over to 2 March; PostgreSQL refuses it (a 500). Round-trip instead.
  .refine((v) => {
    const time = Date.parse(`${v}T00:00:00Z`);
    return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === v;
  }, "Choose a real date.");

/** An emptied date input sends "": no day. */
export const optionalIsoDay = z.preprocess((v) => (v === "" ? undefined : v), isoDay.optional());

/**
 * The id a form names its item by (a hidden field): kept as sent, "" when missing, so the domain
 * answers "no such …" itself rather than the form failing to parse.
 */
export const itemIdField = z
  .string()
  .max(200)
  .optional()
  .transform((v) => v ?? "");

/** A form about one item of a list: its id, and nothing else to parse. */
export const itemInput = z.object({ id: itemIdField });

export type FieldErrors = Record<string, string>;

/** The first message per field, the shape forms show next to each input. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    // Forms have flat field names: an issue inside a list (one of several ticked channels) belongs
    // to the list's field, where the form shows it.
    const key = issue.path.length > 0 ? String(issue.path[0]) : "form";
    out[key] ??= issue.message;
  }
  return out;
}

/** A form that sets a password asks for it twice; the mismatch is shown next to the second. */
export function withConfirmedPassword<T extends z.ZodRawShape>(shape: T) {
  return z
    .object({ ...shape, password: passwordField, confirm: z.string() })
    .refine((v) => (v as { password: string }).password === (v as { confirm: string }).confirm, {
      message: "The two passwords do not match.",
      path: ["confirm"],
    });
}

/** What a form says when it names an action the page does not have (an old tab, a hand-made post). */
export const UNKNOWN_ACTION = "This action is not recognised. Reload the page and try again.";

const OUT_OF_DATE = "This form is out of date. Reload the page and try again.";

/**
 * Zod's own messages ("Invalid discriminator value…", "expected number, received NaN") are for
 * developers. Every place input is parsed (the intents runner, parseWith, readQuery) passes this as
 * the parse's error map, so an issue a schema gave no message of its own still reads as a plain
 * sentence next to its field. A schema's own `error`/message always wins over it.
 */
export function plainIssueMessage(issue: z.core.$ZodRawIssue): string {
  const field = issue.path?.[0];
  const received = issue.input;
  switch (issue.code) {
    case "invalid_union":
    case "invalid_value":
      return field === "intent" ? UNKNOWN_ACTION : "Choose one of the options.";
    case "invalid_type":
      if (field === "intent") return UNKNOWN_ACTION;
      if (issue.expected === "int") return "Enter a whole number.";
      if (issue.expected === "number" || issue.expected === "bigint") return "Enter a number.";
      if (received === undefined) return "Fill in this field.";
      if (issue.expected === "string") return "Enter text here, not a list.";
      return OUT_OF_DATE;
    case "invalid_format":
      if (issue.format === "email") return "Enter a valid email address, like name@example.com.";
      if (issue.format === "uuid" || issue.format === "guid") return OUT_OF_DATE;
      return "Check the format of this value.";
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return `Use at most ${max} characters.`;
      if (issue.origin === "array" || issue.origin === "set") return `Choose at most ${max}.`;
      return `Enter a number no more than ${max.toLocaleString("en-GB")}.`;
    }
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string")
        return min <= 1 ? "Fill in this field." : `Use at least ${min} characters.`;
      if (issue.origin === "array" || issue.origin === "set")
        return min <= 1 ? "Choose at least one." : `Choose at least ${min}.`;
      return issue.inclusive === false
        ? `Enter a number more than ${min.toLocaleString("en-GB")}.`
        : `Enter a number of at least ${min.toLocaleString("en-GB")}.`;
    }
    case "not_multiple_of":
      return "Enter a whole number.";
    case "unrecognized_keys":
    case "invalid_key":
    case "invalid_element":
      return OUT_OF_DATE;
    default:
      return "Check this value.";
  }
}

/** The options every parse of a person's input passes (see plainIssueMessage). */
export const plainErrors = { error: plainIssueMessage } as const;
