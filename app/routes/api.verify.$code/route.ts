import type { LoaderFunctionArgs } from "@remix-run/node";
import { plainRefusal, sendOrRefuse } from "~/.server/http";
import { publicFacts } from "~/.server/rights/public";

// /verify/<code>.json (rewritten here by server/app.ts): the verification page's facts for
// platforms. The same rate limit and the same plain 404.
export async function loader({ params, context }: LoaderFunctionArgs) {
  return sendOrRefuse(
    () => publicFacts(context.db, params.code ?? "", context.clientIp),
    (facts) =>
      Response.json(facts, {
        headers: { "Cache-Control": "no-store", "Access-Control-Allow-Origin": "*" },
      }),
    (error) => plainRefusal(error, { "Content-Type": "text/plain" }),
  );
}
