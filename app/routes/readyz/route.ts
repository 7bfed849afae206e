import type { LoaderFunctionArgs } from "@remix-run/node";
import { checkReadiness, readinessResponse } from "~/.server/operations/readiness";

// Readiness for load balancers and orchestrators: migrations applied, database and bucket
// answering, and not shutting down (docs/deploy.md).
export async function loader({ context }: LoaderFunctionArgs) {
  return readinessResponse(await checkReadiness(context));
}
