import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { redirectWithFlash } from "~/.server/flash";
import { csvResponse, sendOrRefuse } from "~/.server/http";
import { isoDay } from "~/.server/money/dates";
import { ledgerCsv } from "~/.server/money/exports";
import { plainErrors } from "~/lib/validation";

// The ledger for a period (by item date, both ends included) as CSV for finance.
const period = z
  .object({ from: isoDay, to: isoDay })
  .refine((p) => p.from <= p.to, { message: "The period ends before it starts.", path: ["to"] });

/** Where the export form is: a refused period goes back there, told why (never a bare text page). */
const FORM_PAGE = "/admin/money/payouts#ledger-export";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "money:manage");
  const asked = period.safeParse(
    Object.fromEntries(new URL(request.url).searchParams),
    plainErrors,
  );
  if (!asked.success) {
    const message = `The ledger was not exported: ${asked.error.issues[0]!.message} Give both dates of the period.`;
    return redirectWithFlash(context, FORM_PAGE, { kind: "error", message });
  }
  const query = asked.data;
  return sendOrRefuse(
    () => ledgerCsv(context.db, admin, query),
    (csv) => csvResponse(csv.filename, csv.body),
  );
}
