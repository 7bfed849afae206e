import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { decodeCursor, listAudit } from "~/.server/audit/queries";
import { loadOrRespond, routeHeaders } from "~/.server/http";
import { AuditPage } from "./audit-page";
import { echo, parseAuditQuery, toFilter } from "./filter";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Audit log · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "audit:read");
  const params = new URL(request.url).searchParams;
  const parsed = parseAuditQuery(params);
  if (!parsed.ok) {
    // Refused, next to the field, with the filters to correct and no rows meanwhile.
    return data(
      {
        entries: [],
        nextCursor: null,
        filter: echo(params),
        errors: parsed.errors,
        isFirstPage: true,
      },
      { status: 400 },
    );
  }
  const { before, ...query } = parsed.query;
  const result = await loadOrRespond(() =>
    listAudit(context.db, admin, { ...toFilter(query), before: decodeCursor(before ?? null) }),
  );
  return { ...result, filter: echo(params), errors: {}, isFirstPage: !before };
}

export default AuditPage;
