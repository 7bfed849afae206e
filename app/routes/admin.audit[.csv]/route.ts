import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { AUDIT_EXPORT_LIMIT, exportAudit } from "~/.server/audit/queries";
import { toCsv } from "~/.server/csv";
import { csvResponse } from "~/.server/http";
import { redirectWithFlash } from "~/.server/flash";
import { parseAuditQuery, toFilter } from "../admin.audit/filter";

// The audit entries the page's filters match, newest first, as CSV: times in UTC (ISO 8601),
// names and ids both. A filter the page would refuse sends the admin back to it, where the
// refusal stands next to the field (never a bare text page).
export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "audit:read");
  const params = new URL(request.url).searchParams;
  params.delete("before");
  const back = `/admin/audit?${params.toString()}`;
  const parsed = parseAuditQuery(params);
  if (!parsed.ok) return redirect(back);
  const rows = await exportAudit(context.db, admin, toFilter(parsed.query));
  if (!rows) {
    return redirectWithFlash(context, back, {
      kind: "error",
      message: `More than ${AUDIT_EXPORT_LIMIT.toLocaleString("en-GB")} entries match: narrow the dates or the filters and export again.`,
    });
  }
  const body = toCsv(
    [
      "id",
      "time_utc",
      "actor",
      "actor_email",
      "action",
      "subject_type",
      "subject_id",
      "subject_name",
      "details_json",
      "ip",
    ],
    rows.map((r) => [
      r.id,
      r.createdAt.toISOString(),
      r.actorLabel,
      r.actorEmail ?? "",
      r.action,
      r.subjectType,
      r.subjectId ?? "",
      r.subjectName ?? "",
      JSON.stringify(r.data),
      r.ip ?? "",
    ]),
  );
  const range = [parsed.query.from, parsed.query.to].filter(Boolean).join("_to_") || "all";
  return csvResponse(`audit-${range}.csv`, body);
}
