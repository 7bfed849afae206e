import type { LoaderFunctionArgs } from "@remix-run/node";
import { Outlet } from "@remix-run/react";
import { requireRole } from "~/.server/auth/guards";
import { routeHeaders } from "~/.server/http";

export const headers = routeHeaders;

// Every page under /admin is for admins; each child route checks its own permission as well.
export function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context, ["admin"]);
  return null;
}

export default function AdminLayout() {
  return <Outlet />;
}
