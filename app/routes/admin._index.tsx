import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/.server/auth/guards";

// The admin dashboard arrives with the oversight work; until then /admin opens the people list.
export function loader({ request, context }: LoaderFunctionArgs) {
  requireRole(request, context, ["admin"]);
  return redirect("/admin/people");
}
