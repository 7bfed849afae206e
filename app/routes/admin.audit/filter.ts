import { z } from "zod";
import type { AuditFilter } from "~/.server/audit/queries";
import { plainErrors } from "~/lib/validation";

// The audit log's filters, shared by the page and its CSV export. A value too long to be a name
// or an id is refused with a message next to its field, never silently dropped.

const text = (max: number, what: string) =>
  z.string().trim().max(max, `Keep ${what} under ${max} characters.`).optional();

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Give a date as YYYY-MM-DD.")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "That day does not exist.")
  .optional()
  .or(z.literal("").transform(() => undefined));

export const auditQuery = z
  .object({
    action: text(80, "the action"),
    actor: text(120, "the name"),
    subject: text(120, "the subject"),
    from: day,
    to: day,
    before: z.string().optional().catch(undefined),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    message: "The range ends before it starts.",
    path: ["to"],
  });

export type AuditQuery = z.infer<typeof auditQuery>;
export type AuditFilterErrors = Partial<
  Record<"action" | "actor" | "subject" | "from" | "to", string>
>;

/** The query as the page shows it back (raw strings, cut short: a refused value is not echoed whole). */
export function echo(params: URLSearchParams) {
  const get = (name: string) => (params.get(name) ?? "").slice(0, 200);
  return {
    action: get("action"),
    actor: get("actor"),
    subject: get("subject"),
    from: get("from"),
    to: get("to"),
  };
}

export function parseAuditQuery(
  params: URLSearchParams,
): { ok: true; query: AuditQuery } | { ok: false; errors: AuditFilterErrors } {
  const result = auditQuery.safeParse(Object.fromEntries(params), plainErrors);
  if (result.success) return { ok: true, query: result.data };
  const errors: AuditFilterErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "action") as keyof AuditFilterErrors;
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/** UTC days, both ends included, as the domain's half-open range. */
export function toFilter(query: AuditQuery): AuditFilter {
  return {
    action: query.action || undefined,
    actor: query.actor || undefined,
    subject: query.subject || undefined,
    since: query.from ? new Date(`${query.from}T00:00:00Z`) : undefined,
    until: query.to ? new Date(Date.parse(`${query.to}T00:00:00Z`) + 86_400_000) : undefined,
  };
}
