import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireActor } from "~/.server/auth/guards";
import { csvResponse, readQuery, sendOrRefuse } from "~/.server/http";
import { isoDay } from "~/.server/money/dates";
import { ledgerCsv } from "~/.server/money/exports";

// The ledger for a period (by item date, both ends included) as CSV for finance.
const period = z
  .object({ from: isoDay, to: isoDay })
  .refine((p) => p.from <= p.to, { message: "The period ends before it starts.", path: ["to"] });

/** A period that does not parse: how to ask for one, in plain text. */
const badPeriod = (error: z.ZodError) =>
  new Response(`Give the period as ?from=YYYY-MM-DD&to=YYYY-MM-DD. ${error.issues[0]!.message}`, {
    status: 400,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "money:manage");
  const query = readQuery(request, period, badPeriod);
  return sendOrRefuse(
    () => ledgerCsv(context.db, admin, query),
    (csv) => csvResponse(csv.filename, csv.body),
  );
}
