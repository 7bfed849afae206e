import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { anonymousActor } from "~/.server/auth/guards";
import { checkResetToken, resetPassword } from "~/.server/auth/password-reset";
import { DEFAULT_INTENT, intentAction, loadLinkPage, routeHeaders } from "~/.server/http";
import { withConfirmedPassword } from "~/lib/validation";
import { ResetPasswordPage } from "./reset-password-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [
  { title: "Choose a new password · Greenroom" },
  { name: "referrer", content: "no-referrer" },
];

export function loader({ params, context }: LoaderFunctionArgs) {
  return loadLinkPage(() => checkResetToken(context.db, params.token ?? ""));
}

export const action = intentAction(
  ({ request, context }) => anonymousActor(request, context),
  (intent) => ({
    [DEFAULT_INTENT]: intent({
      input: withConfirmedPassword({}),
      // Its emailIds tell the other admins when an admin's password was reset.
      run: ({ password }, { db, actor, params, appUrl }) =>
        resetPassword(db, { token: params.token ?? "", password, appUrl }, actor),
      then: (_, { flash }) =>
        flash("/login", "Your password was changed. Sign in with the new one."),
    }),
  }),
);

export default ResetPasswordPage;
