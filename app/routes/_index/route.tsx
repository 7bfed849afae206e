import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireUser } from "~/.server/auth/guards";
import { routeHeaders } from "~/.server/http";
import { HomePage } from "./home-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Home · Greenroom" }];

export function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireUser(request, context);
  return { user };
}

export default HomePage;
