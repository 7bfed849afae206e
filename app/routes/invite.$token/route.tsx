import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { acceptInvite, findOpenInvite } from "~/.server/access/invites";
import { anonymousActor } from "~/.server/auth/guards";
import { flashCookie } from "~/.server/flash";
import { DEFAULT_INTENT, intentAction, loadLinkPage, routeHeaders } from "~/.server/http";
import { displayNameField, withConfirmedPassword } from "~/lib/validation";
import { AcceptInvitePage } from "./accept-invite-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [
  { title: "Accept your invitation · Greenroom" },
  { name: "referrer", content: "no-referrer" },
];

export function loader({ params, context }: LoaderFunctionArgs) {
  return loadLinkPage(() => findOpenInvite(context.db, params.token ?? ""));
}

export const action = intentAction(
  ({ request, context }) => anonymousActor(request, context),
  (intent) => ({
    [DEFAULT_INTENT]: intent({
      input: withConfirmedPassword({ displayName: displayNameField }),
      run: async ({ displayName, password }, { db, actor, params }) => ({
        ...(await acceptInvite(db, { token: params.token ?? "", displayName, password }, actor)),
        displayName,
      }),
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
