import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { anonymousActor } from "~/.server/auth/guards";
import { requestPasswordReset } from "~/.server/auth/password-reset";
import { DEFAULT_INTENT, intentAction, routeHeaders } from "~/.server/http";
import { emailField } from "~/lib/validation";
import { ForgotPasswordPage } from "./forgot-password-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Forgot password · Greenroom" }];

export function loader({ context }: LoaderFunctionArgs) {
  if (context.auth.user) throw redirect("/");
  return null;
}

export const action = intentAction(
  ({ request, context }) => anonymousActor(request, context),
  (intent) => ({
    [DEFAULT_INTENT]: intent({
      input: z.object({ email: emailField }),
      run: async ({ email }, { db, actor, context, appUrl }) => {
        await requestPasswordReset(db, context.mailer, { email, appUrl }, actor);
        return { email };
      },
      // The same answer whether or not the address has an account.
      then: ({ email }) => ({ ok: true as const, email }),
    }),
  }),
);

export default ForgotPasswordPage;
