import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { artistsWithoutAccess, openQuotaRequestCount } from "~/.server/access/quota-requests";
import { requireUser } from "~/.server/auth/guards";
import { can } from "~/lib/permissions";
import { routeHeaders } from "~/.server/http";
import { HomePage } from "./home-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Home · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requireUser(request, context);
  // Admins see what waits on generation access: requests for more seconds, artists without any.
  const access = can(user.role, "people:manage")
    ? {
        openRequests: await openQuotaRequestCount(context.db),
        withoutAccess: (await artistsWithoutAccess(context.db, user)).length,
      }
    : null;
  return { user, access };
}

export default HomePage;
