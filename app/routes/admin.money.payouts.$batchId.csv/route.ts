import type { LoaderFunctionArgs } from "@remix-run/node";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { batchCsv, csvResponse } from "~/.server/money/exports";

// One payout batch as CSV for finance.
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  try {
    const csv = await batchCsv(context.db, actingUser(request, context, user), params.batchId!);
    return csvResponse(csv);
  } catch (error) {
    if (error instanceof UserError) return new Response(error.message, { status: error.status });
    throw error;
  }
}
