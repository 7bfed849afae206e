import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { endSession } from "~/.server/auth/session";
import { recordAudit } from "~/.server/audit/audit-log";
import { anonymousActor } from "~/.server/auth/guards";
import { readFormInput, safeRedirect } from "~/.server/http";

// Signing out changes state, so it is a POST (from the user menu); a GET just goes home.
export const loader = () => redirect("/");

export async function action({ request, context }: ActionFunctionArgs) {
  // Where to go next: the sign-in page, or a page of this site that asked to sign out first (an
  // invitation opened while signed in).
  const input = await readFormInput(request);
  const next = input.ok ? safeRedirect(input.form.get("redirectTo"), "/login") : "/login";
  const { sessionId, user } = context.auth;
  if (!sessionId || !user) return redirect(next);
  const cookie = await endSession(context.db, sessionId, { secure: context.secureCookies });
  await recordAudit(
    context.db,
    { ...anonymousActor(request, context), userId: user.id },
    {
      action: "auth.sign_out",
      subjectType: "user",
      subjectId: user.id,
    },
  );
  return redirect(next, { headers: { "Set-Cookie": cookie } });
}
