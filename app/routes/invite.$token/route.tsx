import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { acceptInvite, findOpenInvite } from "~/.server/access/invites";
import { anonymousActor } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { flashCookie } from "~/.server/flash";
import { DEFAULT_INTENT, intentAction, loadLinkPage, routeHeaders } from "~/.server/http";
import { displayNameField, withConfirmedPassword } from "~/lib/validation";
import { AcceptInvitePage } from "./accept-invite-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [
  { title: "Accept your invitation · Greenroom" },
  { name: "referrer", content: "no-referrer" },
];

/**
 * Who is signed in in this browser, if anyone. Accepting would replace their session with the new
 * account's, so the page warns instead of offering the form (an admin checking a link they sent).
 */
function signedInAs(context: LoaderFunctionArgs["context"]) {
  const user = context.auth.user;
  return user ? { displayName: user.displayName, email: user.email } : null;
}

export function loader({ params, context }: LoaderFunctionArgs) {
  return loadLinkPage(async () => ({
    ...(await findOpenInvite(context.db, params.token ?? "")),
    signedInAs: signedInAs(context),
  }));
}

export const action = intentAction(
  ({ request, context }) => anonymousActor(request, context),
  (intent) => ({
    [DEFAULT_INTENT]: intent({
      input: withConfirmedPassword({ displayName: displayNameField }),
      run: async ({ displayName, password }, { db, actor, params, context }) => {
        const current = signedInAs(context);
        if (current) {
          // A dead link says so first (410); a live one is not taken over by this session.
          await findOpenInvite(db, params.token ?? "");
          throw new UserError(
            `You are signed in as ${current.displayName} (${current.email}). Sign out first, then open the invitation link again to accept it.`,
            409,
            "form",
          );
        }
        const accepted = await acceptInvite(
          db,
          { token: params.token ?? "", displayName, password },
          actor,
          { secure: context.secureCookies },
        );
        return { ...accepted, displayName };
      },
      // Signed in at once (the session cookie), welcomed by name on the home page.
      then: async ({ cookie, displayName }, { context }) => {
        const headers = new Headers({ "Set-Cookie": cookie });
        headers.append(
          "Set-Cookie",
          await flashCookie(context, {
            kind: "success",
            message: `Welcome to Greenroom, ${displayName}.`,
          }),
        );
        return redirect("/", { headers });
      },
    }),
  }),
);

export default AcceptInvitePage;
