import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { loadOrRespond, routeHeaders } from "~/.server/http";
import { publicFacts } from "~/.server/rights/public";
import { VerifyPage } from "./verify-page";

export const headers = routeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `License ${data.code} · Greenroom` : "Not found · Greenroom" },
  { name: "robots", content: "noindex" },
];

// Public and signed out: what a license covers and whether it holds. Nothing else. An unknown code
// is the same plain 404 whatever the reason; too many looks from one address a 429.
export async function loader({ params, context }: LoaderFunctionArgs) {
  return loadOrRespond(() => publicFacts(context.db, params.code ?? "", context.clientIp));
}

export default VerifyPage;
