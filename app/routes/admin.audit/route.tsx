import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { decodeCursor, listAudit } from "~/.server/audit/queries";
import { loadOrRespond, readQuery, routeHeaders } from "~/.server/http";
import { AuditPage } from "./audit-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Audit log · Greenroom" }];

const filterSchema = z.object({
  action: z.string().trim().max(80).optional().catch(undefined),
  actor: z.string().trim().max(120).optional().catch(undefined),
  subject: z.string().trim().max(80).optional().catch(undefined),
  days: z.enum(["1", "7", "30", "365"]).optional().catch(undefined),
});

/** The filters, and the keyset cursor of the page (an odd one shows the first page). */
const query = filterSchema.extend({ before: z.string().optional().catch(undefined) });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "audit:read");
  const { before, ...filter } = readQuery(request, query);
  const since = filter.days ? new Date(Date.now() - Number(filter.days) * 86400_000) : undefined;
  const result = await loadOrRespond(() =>
    listAudit(context.db, admin, {
      action: filter.action || undefined,
      actor: filter.actor || undefined,
      subject: filter.subject || undefined,
      since,
      before: decodeCursor(before ?? null),
    }),
  );
  return { ...result, filter, isFirstPage: !before };
}

export default AuditPage;
