import { redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { z } from "zod";
import { anonymousActor } from "~/.server/auth/guards";
import { signIn } from "~/.server/auth/sign-in";
import {
  DEFAULT_INTENT,
  intentAction,
  readQuery,
  routeHeaders,
  safeRedirect,
} from "~/.server/http";
import { recordSignIn } from "~/.server/oversight/activity";
import { emailField } from "~/lib/validation";
import { LoginPage } from "./login-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Sign in · Greenroom" }];

/** Why a session ended, as /login?ended= says it (requireUser sends it along). */
const ENDED_MESSAGES = {
  suspended:
    "Your account has been suspended and you have been signed out. Contact the program team if you think this is a mistake.",
  password_reset:
    "Your password was changed, so you were signed out everywhere. Sign in with the new password.",
};

const query = z.object({
  redirectTo: z.string().optional().catch(undefined),
  ended: z.enum(["suspended", "password_reset"]).optional().catch(undefined),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { redirectTo, ended } = readQuery(request, query);
  if (context.auth.user) throw redirect(safeRedirect(redirectTo));
  return { notice: ended ? ENDED_MESSAGES[ended] : null };
}

const signInInput = z.object({
  email: emailField,
  password: z
    .string({ error: "Enter your password." })
    .min(1, "Enter your password.")
    .max(256, "That password is too long."),
  redirectTo: z.string().optional(),
});

export const action = intentAction(
  ({ request, context }) => anonymousActor(request, context),
  (intent) => ({
    [DEFAULT_INTENT]: intent({
      input: signInInput,
      run: async (input, { db, actor, request, context }) => {
        const signedIn = await signIn(db, input, actor, {
          cookieHeader: request.headers.get("cookie"),
          secret: context.env.SESSION_SECRET,
          secureCookies: context.env.NODE_ENV === "production",
        });
        // Where the account signs in from, for the anomaly scan; it never fails the sign-in.
        await recordSignIn(
          db,
          { userId: signedIn.user.id, ip: actor.ip ?? null, userAgent: actor.userAgent ?? null },
          context.logger,
        );
        return { ...signedIn, redirectTo: input.redirectTo };
      },
      // The session and the device cookie (a known browser, for the sign-in throttles).
      then: ({ cookie, deviceCookie, redirectTo }) => {
        const headers = new Headers();
        headers.append("Set-Cookie", cookie);
        headers.append("Set-Cookie", deviceCookie);
        return redirect(safeRedirect(redirectTo), { headers });
      },
    }),
  }),
);

export default LoginPage;
