import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endSession } from "~/.server/auth/session";
import { recordAudit } from "~/.server/audit/audit-log";
import { anonymousActor } from "~/.server/auth/guards";

// Signing out changes state, so it is a POST (from the user menu); a GET just goes home.
export const loader = () => redirect("/");

export async function action({ request, context }: ActionFunctionArgs) {
  const { sessionId, user } = context.auth;
  if (!sessionId || !user) return redirect("/login");
  const cookie = await endSession(context.db, sessionId);
  await recordAudit(
    context.db,
    { ...anonymousActor(request, context), userId: user.id },
    {
      action: "auth.sign_out",
      subjectType: "user",
      subjectId: user.id,
    },
  );
  return redirect("/login", { headers: { "Set-Cookie": cookie } });
}
