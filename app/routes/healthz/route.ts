import type { LoaderFunctionArgs } from "@remix-run/node";
import { livenessResponse } from "~/.server/operations/readiness";

// Liveness and a real round trip to the database; no details beyond ok or not.
export function loader({ context }: LoaderFunctionArgs) {
  return livenessResponse(context.db, (err) =>
    context.logger.error({ err }, "health check failed"),
  );
}
