import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { csvResponse, sendOrRefuse } from "~/.server/http";
import { batchCsv } from "~/.server/money/exports";

// One payout batch as CSV for finance; an unknown batch is a plain-text 404.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "money:manage");
  return sendOrRefuse(
    () => batchCsv(context.db, admin, params.batchId!),
    (csv) => csvResponse(csv.filename, csv.body),
  );
}
