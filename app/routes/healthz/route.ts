import { sql } from "drizzle-orm";
import type { LoaderFunctionArgs } from "@remix-run/node";

// Liveness and a real round trip to the database; no details beyond ok or not.
export async function loader({ context }: LoaderFunctionArgs) {
  try {
    await context.db.execute(sql`select 1`);
    return Response.json(
      { status: "ok", database: "ok" },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    context.logger.error({ err: error }, "health check failed");
    return Response.json(
      { status: "error", database: "unreachable" },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
