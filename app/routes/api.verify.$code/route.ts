import type { LoaderFunctionArgs } from "@remix-run/node";
import { licenseFacts, publicLicense } from "~/.server/rights/public";

// /verify/<code>.json (rewritten here by server/app.ts): the verification page's facts for
// platforms. The same rate limit and the same plain 404.
export async function loader({ params, context }: LoaderFunctionArgs) {
  try {
    const license = await publicLicense(context.db, params.code ?? "", context.clientIp);
    return Response.json(licenseFacts(license), {
      headers: { "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*" },
    });
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}
