import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { isoDay } from "~/.server/money/dates";
import { csvResponse, ledgerCsv } from "~/.server/money/exports";

// The ledger for a period (by item date, both ends included) as CSV for finance.
const period = z
  .object({ from: isoDay, to: isoDay })
  .refine((p) => p.from <= p.to, { message: "The period ends before it starts.", path: ["to"] });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const parsed = period.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success)
    return new Response(
      `Give the period as ?from=YYYY-MM-DD&to=YYYY-MM-DD. ${parsed.error.issues[0]!.message}`,
      { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } },
    );
  return csvResponse(await ledgerCsv(context.db, actingUser(request, context, user), parsed.data));
}
